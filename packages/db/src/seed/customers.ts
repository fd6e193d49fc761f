import type { Seeder } from "./types";

const TIERS = ["basic", "professional", "enterprise"] as const;

export const customersSeeder: Seeder = {
  name: "customers",
  async run({ db, faker, sizes, log }) {
    const rows = Array.from({ length: sizes.customers }, (_, i) => ({
      id: faker.string.uuid(),
      // The index keeps names unique however the faker draws fall.
      name: `${faker.location.county()} ${faker.helpers.arrayElement(["Dairy", "Farm", "Holsteins", "Genetics", "Cattle Co."])} #${i + 1}`,
      tier: faker.helpers.weightedArrayElement([
        { weight: 6, value: TIERS[0] },
        { weight: 3, value: TIERS[1] },
        { weight: 1, value: TIERS[2] },
      ]),
      maxAnimals: faker.helpers.arrayElement([500, 1000, 1000, 2000, 5000]),
      researchConsent: faker.datatype.boolean({ probability: 0.6 }),
    }));
    const result = await db.customer.createMany({ data: rows, skipDuplicates: true });
    log(`customers: ${result.count} created, ${rows.length - result.count} already present`);
  },
};

// The AI-bull catalogue: NAAB codes (stud + breed + number), a sexed-semen code for some (stud
// + 500, as studs market sexed semen), Interbull registration numbers. Deterministic per seed.
import type { Seeder } from "./types";

const STUDS = [1, 7, 11, 14, 29, 97, 200, 250, 551] as const;
const BREEDS = [
  { code: "HO", interbull: "HOL", weight: 70 },
  { code: "JE", interbull: "JER", weight: 18 },
  { code: "BS", interbull: "BSW", weight: 6 },
  { code: "AY", interbull: "AYR", weight: 3 },
  { code: "GU", interbull: "GUE", weight: 3 },
] as const;
const COUNTRIES = ["USA", "USA", "USA", "CAN", "CAN", "NLD", "DEU", "FRA", "GBR"] as const;

export interface SeedBull {
  id: string;
  naabCode: string;
  sexedNaabCode: string | null;
  registrationNumber: string;
  name: string;
  breed: string;
}

export const bullsSeeder: Seeder = {
  name: "bulls",
  async run({ db, faker, sizes, log }) {
    const numbers = new Set<string>();
    const rows: SeedBull[] = [];
    for (let i = 0; i < sizes.bulls; i++) {
      const breed = faker.helpers.weightedArrayElement(BREEDS.map((b) => ({ weight: b.weight, value: b })));
      const stud = faker.helpers.arrayElement(STUDS);
      let number: string;
      do number = String(faker.number.int({ min: 100, max: 99999 }));
      while (numbers.has(`${stud}${breed.code}${number}`));
      numbers.add(`${stud}${breed.code}${number}`);
      const sexed = stud < 100 && faker.datatype.boolean({ probability: 0.35 });
      const prefix = faker.helpers.arrayElement([
        "Siemers",
        "Peak",
        "Ocd",
        "Bomaz",
        "Walnutlawn",
        "Cookiecutter",
        "Aot",
        "Westcoast",
        "Pine-Tree",
        "Sandy-Valley",
      ]);
      rows.push({
        id: faker.string.uuid(),
        naabCode: `${stud}${breed.code}${number}`,
        sexedNaabCode: sexed ? `${500 + stud}${breed.code}${number}` : null,
        // The index keeps registration numbers unique however the draws fall.
        registrationNumber: `${breed.interbull}${faker.helpers.arrayElement(COUNTRIES)}M${String(faker.number.int({ min: 1e6, max: 99_999_999 })).padStart(8, "0")}${String(i).padStart(4, "0")}`,
        name: `${prefix} ${faker.word.adjective({ length: { min: 4, max: 9 } })} ${faker.person.firstName("male")}`
          .toUpperCase()
          .slice(0, 100),
        breed: breed.code,
      });
    }
    const result = await db.bull.createMany({ data: rows, skipDuplicates: true });
    log(`bulls: ${result.count} created, ${rows.length - result.count} already present`);
  },
};

// A realistic multi-generation population per customer: founder cows and a herd bull or two, then
// calvings simulated in date order (first calf at ~24 months, then every 12–15 months) sired mostly
// by catalogue AI bulls (sexed semen → mostly heifers), some by herd bulls, a few embryo-transfer
// calves carried by recipient cows; bull calves mostly sold young, cows culled, sold or dead with
// dates; bought-in animals without pedigree fill each herd to its share. Each herd stays within its
// customer's maxAnimals (its whole size does, so its active count does). Deterministic per seed: the
// dates are relative to a fixed reference day, not the clock.
import type { Faker } from "@faker-js/faker";
import type { SeedBull } from "./bulls";
import type { Seeder } from "./types";

/** "Today" for the simulation; later clocks give the same data. */
export const SEED_REFERENCE_DATE = "2026-11-01";
const DAY = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

type Status = "active" | "sold" | "dead" | "culled";

export interface SeedAnimal {
  id: string;
  customerId: string;
  officialId: string;
  herdTag: string | null;
  name: string | null;
  breed: string;
  sex: "female" | "male";
  birthDate: Date;
  status: Status;
  statusDate: Date | null;
  sireId: string | null;
  sireBullId: string | null;
  damId: string | null;
  recipientDamId: string | null;
  notes: string | null;
}

interface Sim {
  a: SeedAnimal;
  born: number;
  /** Day it leaves the herd (may be after today: then still active). */
  exit: number;
  exitStatus: Exclude<Status, "active">;
}

const COUNTRY_OF_BREED: Record<string, string> = { HO: "840", JE: "840", BS: "840", AY: "124", GU: "826", XX: "840" };

/** Shares of `total` over customers by random weights, each capped at its maxAnimals. */
export function allocate(faker: Faker, total: number, caps: number[]): number[] {
  const weights = caps.map(() => faker.number.float({ min: 0.3, max: 2 }));
  const counts = caps.map(() => 0);
  let left = Math.min(
    total,
    caps.reduce((s, c) => s + c, 0),
  );
  while (left > 0) {
    const open = caps.map((c, i) => (counts[i]! < c ? i : -1)).filter((i) => i >= 0);
    const sum = open.reduce((s, i) => s + weights[i]!, 0);
    let given = 0;
    for (const i of open) {
      const share = Math.min(caps[i]! - counts[i]!, Math.max(1, Math.floor((left * weights[i]!) / sum)));
      const take = Math.min(share, left - given);
      counts[i]! += take;
      given += take;
      if (given >= left) break;
    }
    left -= given;
  }
  return counts;
}

export function simulateHerd(
  faker: Faker,
  customerId: string,
  customerIndex: number,
  target: number,
  bulls: readonly SeedBull[],
  today: number,
): SeedAnimal[] {
  if (target === 0) return [];
  const rand = () => faker.number.float({ min: 0, max: 1 });
  const int = (min: number, max: number) => faker.number.int({ min, max });
  const breed = faker.helpers.weightedArrayElement([
    { weight: 70, value: "HO" },
    { weight: 15, value: "JE" },
    { weight: 5, value: "BS" },
    { weight: 4, value: "AY" },
    { weight: 3, value: "GU" },
    { weight: 3, value: "XX" },
  ]);
  const breedBulls = bulls.filter((b) => b.breed === breed || breed === "XX");
  const aiBulls = breedBulls.length ? breedBulls : bulls;
  const herd: Sim[] = [];

  const make = (sex: "female" | "male", born: number, parents: Partial<SeedAnimal>, bought = false): Sim => {
    // Exit: bull calves mostly sold at 1–4 months; cows culled at 4–9 years, some die or are sold.
    let exit: number;
    let exitStatus: Sim["exitStatus"];
    const r = rand();
    if (sex === "male") {
      if (r < 0.8) [exit, exitStatus] = [born + int(30, 120), "sold"];
      else if (r < 0.85) [exit, exitStatus] = [born + int(1, 60), "dead"];
      else [exit, exitStatus] = [born + int(700, 2500), "culled"];
    } else if (r < 0.06) [exit, exitStatus] = [born + int(1, 400), "dead"];
    else if (r < 0.14) [exit, exitStatus] = [born + int(300, 1500), "sold"];
    else if (r < 0.22) [exit, exitStatus] = [born + int(900, 3600), "dead"];
    else [exit, exitStatus] = [born + int(1400, 3300), "culled"];
    const a: SeedAnimal = {
      id: faker.string.uuid(),
      customerId,
      officialId: "",
      herdTag: null,
      name: sex === "female" && rand() < 0.7 ? faker.person.firstName("female").slice(0, 100) : null,
      breed: breed === "XX" && rand() < 0.5 ? faker.helpers.arrayElement(["HO", "JE"]) : breed,
      sex,
      birthDate: new Date(born * DAY),
      status: "active",
      statusDate: null,
      sireId: null,
      sireBullId: null,
      damId: null,
      recipientDamId: null,
      notes: bought ? `Bought in ${isoOf(Math.min(today, born + int(60, 700))).slice(0, 4)}` : null,
      ...parents,
    };
    return { a, born, exit, exitStatus };
  };

  // Founders: cows 3–6 years before the simulation starts, a herd bull or two.
  const start = today - int(7, 9) * 365;
  const founders = Math.max(2, Math.ceil(target * 0.2));
  for (let i = 0; i < founders; i++) herd.push(make("female", start - int(2 * 365, 6 * 365), {}));
  for (let i = 0; i < Math.max(1, Math.round(founders / 15)); i++) {
    const bull = make("male", start - int(700, 1500), {});
    [bull.exit, bull.exitStatus] = [start + int(1500, 3500), "culled"];
    herd.push(bull);
  }

  // Calvings in date order: a min-queue of (day, cow).
  const queue: { day: number; cow: Sim }[] = [];
  const push = (day: number, cow: Sim) => {
    let i = queue.length;
    queue.push({ day, cow });
    while (i > 0 && queue[i - 1]!.day > day) {
      queue[i] = queue[i - 1]!;
      i--;
    }
    queue[i] = { day, cow };
  };
  for (const s of herd) if (s.a.sex === "female") push(Math.max(start, s.born + int(700, 820)), s);
  while (queue.length && herd.length < target) {
    const { day, cow } = queue.shift()!;
    if (day > today || day >= cow.exit) continue;
    push(day + int(365, 460), cow);
    if (rand() < 0.3) continue; // stillborn, or not registered
    const conception = day - 280;
    const herdBulls = herd.filter((s) => s.a.sex === "male" && s.born < conception - 400 && s.exit > conception);
    let sire: Partial<SeedAnimal>;
    let sexed = false;
    if (herdBulls.length && rand() < 0.12) sire = { sireId: faker.helpers.arrayElement(herdBulls).a.id };
    else if (rand() < 0.04) sire = {};
    else {
      const bull = faker.helpers.arrayElement(aiBulls);
      sexed = bull.sexedNaabCode !== null && rand() < 0.6;
      sire = { sireBullId: bull.id };
    }
    let dam: Partial<SeedAnimal> = { damId: cow.a.id };
    if (rand() < 0.05) {
      // Embryo transfer: an elite cow's embryo, carried by this cow.
      const donors = herd.filter((s) => s !== cow && s.a.sex === "female" && s.born < day - 900 && s.exit > conception);
      if (donors.length) dam = { damId: faker.helpers.arrayElement(donors).a.id, recipientDamId: cow.a.id };
    }
    const sex = rand() < (sexed ? 0.9 : 0.5) ? "female" : "male";
    const calf = make(sex, day, { ...sire, ...dam });
    herd.push(calf);
    if (sex === "female") push(day + int(690, 820), calf);
  }
  // Bought-in animals without pedigree fill the herd to its share.
  while (herd.length < target) herd.push(make(rand() < 0.9 ? "female" : "male", today - int(400, 3000), {}, true));

  herd.sort((x, y) => x.born - y.born);
  const country = COUNTRY_OF_BREED[breed] ?? "840";
  return herd.map((s, k) => {
    const a = s.a;
    a.officialId = `${a.breed}${country}${String(3e11 + customerIndex * 1e6 + k + 1).padStart(12, "0")}`;
    a.herdTag = String(1000 + k);
    if (s.exit <= today) {
      a.status = s.exitStatus;
      a.statusDate = new Date(s.exit * DAY);
    }
    return a;
  });
}

export const animalsSeeder: Seeder = {
  name: "animals",
  async run({ db, faker, sizes, log }) {
    if (sizes.animals === 0) return log("animals: none requested");
    const today = Math.min(dayOf(SEED_REFERENCE_DATE), Math.floor(Date.now() / DAY));
    const customers = await db.customer.findMany({ orderBy: { name: "asc" }, select: { id: true, maxAnimals: true } });
    const bulls = await db.bull.findMany({ orderBy: { naabCode: "asc" } });
    if (customers.length === 0) return log("animals: no customers; skipped");
    const counts = allocate(
      faker,
      sizes.animals,
      customers.map((c) => c.maxAnimals),
    );
    const seeded = new Set((await db.animal.groupBy({ by: ["customerId"], _count: true })).map((g) => g.customerId));
    const rows: SeedAnimal[] = [];
    // Every herd is generated (so the PRNG stream is the same), but herds already seeded are kept as they are.
    customers.forEach((c, i) => {
      const herd = simulateHerd(faker, c.id, i, counts[i]!, bulls, today);
      if (!seeded.has(c.id)) rows.push(...herd);
    });
    const started = Date.now();
    for (let i = 0; i < rows.length; i += 2000)
      await db.animal.createMany({ data: rows.slice(i, i + 2000), skipDuplicates: true });
    const active = rows.filter((r) => r.status === "active").length;
    log(
      `animals: ${rows.length} created over ${customers.length - seeded.size} herds (${active} active), ${seeded.size} herds already seeded, in ${Date.now() - started} ms`,
    );
  },
};

// The deterministic seeding framework: a fixed PRNG seed and explicit sizes give the same data on
// every machine. Modules append their Seeder to `seeders`; each seeds only what exists.
import { Faker, en } from "@faker-js/faker";
import { createPool, createPrisma } from "../pool";
import { animalsSeeder } from "./animals";
import { bullsSeeder } from "./bulls";
import { customersSeeder } from "./customers";
import { demoUsersSeeder } from "./demo-users";
import type { Seeder, SeedSizes } from "./types";

export const seeders: readonly Seeder[] = [customersSeeder, demoUsersSeeder, bullsSeeder, animalsSeeder];

export const DEFAULT_SEED = 20261124;
export const DEFAULT_SIZES: SeedSizes = { customers: 20, bulls: 150, animals: 600 };

export interface SeedOptions {
  ownerUrl: string;
  seed?: number;
  sizes?: Partial<SeedSizes>;
  hashPassword: (password: string) => Promise<string>;
  printCredentials?: boolean;
  log?: (line: string) => void;
}

export async function runSeed(options: SeedOptions): Promise<void> {
  const pool = createPool(options.ownerUrl, {
    DATABASE_POOL_MAX: 2,
    DATABASE_CONNECT_TIMEOUT_MS: 10_000,
    DATABASE_IDLE_TIMEOUT_MS: 10_000,
    DATABASE_STATEMENT_TIMEOUT_MS: 0,
  });
  const db = createPrisma(pool);
  const log = options.log ?? (() => {});
  try {
    const sizes = { ...DEFAULT_SIZES, ...options.sizes };
    for (const seeder of seeders) {
      // Each step gets its own PRNG stream, so adding a step never changes another step's rows.
      const faker = new Faker({ locale: [en] });
      faker.seed([options.seed ?? DEFAULT_SEED, hash(seeder.name)]);
      await seeder.run({
        db,
        faker,
        sizes,
        log,
        seed: options.seed ?? DEFAULT_SEED,
        hashPassword: options.hashPassword,
        printCredentials: options.printCredentials ?? false,
      });
    }
  } finally {
    await db.$disconnect();
    await pool.end();
  }
}

function hash(name: string): number {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h >>> 0;
}

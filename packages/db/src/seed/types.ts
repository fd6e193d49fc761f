import type { Faker } from "@faker-js/faker";
import type { PrismaClient } from "../generated/prisma/client";

/** How much to seed; later modules add their own sizes. */
export interface SeedSizes {
  customers: number;
  /** AI bulls in the global catalogue. */
  bulls: number;
  /** Animals in total, spread over the customers (each herd within its maxAnimals). */
  animals: number;
}

export interface SeedContext {
  /** Owner connection: seeds write across every tenant. */
  db: PrismaClient;
  /** Seeded faker: the same seed and sizes always produce the same rows. */
  faker: Faker;
  sizes: SeedSizes;
  /** The run's PRNG seed, for seeders that derive values outside faker (demo passwords). */
  seed: number;
  /** Password hashing comes from @reprotech/auth, which sits above this package. */
  hashPassword: (password: string) => Promise<string>;
  /** Whether demo credentials may be printed (never in production). */
  printCredentials: boolean;
  log: (line: string) => void;
}

/** One module's seed step. Steps run in order and must be idempotent (upsert by natural key). */
export interface Seeder {
  name: string;
  run(ctx: SeedContext): Promise<void>;
}

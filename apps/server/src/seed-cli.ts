// `pnpm db:seed [--seed N] [--customers N] [--bulls N] [--animals N]`: deterministic demo data through the owner connection.
// It lives in the server app because seeding demo users needs password hashing from @reprotech/auth,
// which sits above the database package.
import { parseArgs } from "node:util";
import { hashPassword } from "@reprotech/auth";
import { loadConfig } from "@reprotech/core";
import { DEFAULT_SEED, DEFAULT_SIZES, ownerUrl, runSeed } from "@reprotech/db";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: String(DEFAULT_SEED) },
    customers: { type: "string", default: String(DEFAULT_SIZES.customers) },
    bulls: { type: "string", default: String(DEFAULT_SIZES.bulls) },
    animals: { type: "string", default: String(DEFAULT_SIZES.animals) },
  },
});
const count = (name: string, raw: string | undefined): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${raw}`);
    process.exit(2);
  }
  return n;
};

const config = loadConfig();
await runSeed({
  ownerUrl: ownerUrl(config),
  seed: count("seed", values.seed),
  sizes: {
    customers: count("customers", values.customers),
    bulls: count("bulls", values.bulls),
    animals: count("animals", values.animals),
  },
  hashPassword,
  printCredentials: config.NODE_ENV !== "production",
  log: (line) => console.log(line),
});

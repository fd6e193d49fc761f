// `pnpm db:seed [--seed N] [--customers N]`: deterministic demo data through the owner connection.
import { parseArgs } from "node:util";
import { loadConfig } from "@reprotech/core";
import { DEFAULT_SEED, DEFAULT_SIZES, runSeed } from "../seed/run";
import { ownerUrl } from "../urls";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: String(DEFAULT_SEED) },
    customers: { type: "string", default: String(DEFAULT_SIZES.customers) },
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

await runSeed({
  ownerUrl: ownerUrl(loadConfig()),
  seed: count("seed", values.seed),
  sizes: { customers: count("customers", values.customers) },
  log: (line) => console.log(line),
});

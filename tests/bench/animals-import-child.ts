// Child process of bench/animals.ts: imports one CSV into one customer through the importer inside a
// tenant transaction (as animals.import.commit does) and prints time and peak RSS as JSON.
import { readFile } from "node:fs/promises";
import { loadConfig } from "@reprotech/core";
import { createPool, createPrisma, withTenant } from "@reprotech/db";
import { animalImport } from "@reprotech/domain";

const [appUrl, customerId, file, mode] = process.argv.slice(2) as [string, string, string, "dryRun" | "commit"];
const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: appUrl });
const pool = createPool(appUrl, config);
const db = createPrisma(pool);
const data = await readFile(file);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const report = await withTenant(
  db,
  { customerIds: [customerId], userId: null },
  (tx) =>
    mode === "commit"
      ? animalImport.commitImport(tx, customerId, { name: "herd.csv", data })
      : animalImport.dryRunImport(tx, customerId, { name: "herd.csv", data }),
  { timeout: 120_000 },
);
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    ms,
    errors: report.errors.length,
    firstError: report.errors[0] ?? null,
    counts: report.counts,
    committed: report.committed,
    rssBeforeMb: rssBefore / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
await db.$disconnect();
await pool.end();

// Child process of bench/genotype-export.ts: one export of every genotyped animal of the bench farm
// into a byte-counting sink, then time, bytes and peak RSS as JSON.
//   stream-bed / stream-ped: the export as the route runs it (plan, then pages of short transactions);
//   memory-bed: the baseline a naive export would be — every packed row in one query, one matrix,
//   the library's writePlinkBinary straight to the sink (no zip).
import { Writable } from "node:stream";
import { loadConfig } from "@reprotech/core";
import { createPool, createPrisma, withTenant } from "@reprotech/db";
import { genotypes } from "@reprotech/domain";
import { bytesPerSample, writePlinkBinary } from "@reprotech/genomics";

const [appUrl, customerId, mode] = process.argv.slice(2) as [
  string,
  string,
  "stream-bed" | "stream-ped" | "memory-bed",
];
const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: appUrl });
const pool = createPool(appUrl, config);
const db = createPrisma(pool);
const scope = { customerIds: [customerId], userId: null };

let bytes = 0;
const sink = () =>
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });

// The selection (the first query also warms the connection and Prisma up, outside the figures).
const ids = await withTenant(db, scope, (tx) =>
  tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text AS id FROM animals ORDER BY official_id`),
);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const format = mode === "stream-ped" ? "ped" : "bed";
const plan = await withTenant(db, scope, (tx) =>
  genotypes.planGenotypeExport(tx, [customerId], {
    animalIds: ids.map((r) => r.id),
    format,
    skipMissing: false,
  }),
);
const planMs = performance.now() - started;
if (mode === "memory-bed") {
  const rows = await withTenant(db, scope, (tx) =>
    tx.$queryRawUnsafe<{ id: string; packed: Uint8Array }[]>(
      `SELECT g.id::text AS id, g.packed FROM genotypes g WHERE g.id = ANY($1::uuid[])`,
      plan.samples.map((s) => s.genotypeId),
    ),
  );
  const [panelRow] = await withTenant(db, scope, (tx) =>
    tx.$queryRawUnsafe<{ markerMap: Uint8Array }[]>(
      `SELECT marker_map AS "markerMap" FROM snp_panels WHERE id = $1::uuid`,
      plan.panel.id,
    ),
  );
  const panel = genotypes.decodeMarkerMap(new Uint8Array(panelRow!.markerMap));
  const stride = bytesPerSample(panel.size);
  const at = new Map(plan.samples.map((s, i) => [s.genotypeId, i]));
  const data = new Uint8Array(plan.samples.length * stride);
  for (const r of rows) data.set(new Uint8Array(r.packed), at.get(r.id)! * stride);
  const files = writePlinkBinary(
    panel,
    plan.samples.map((s) => s.info),
    { nSamples: plan.samples.length, nSnps: panel.size, data },
  );
  const out = sink();
  out.write(files.bim);
  out.write(files.fam);
  for (const chunk of files.bed) out.write(chunk);
} else {
  await genotypes.writeGenotypeExport(db, scope, plan, sink());
}
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    ms,
    planMs,
    bytes,
    animals: plan.samples.length,
    snps: plan.panel.markerCount,
    rssBeforeMb: rssBefore / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
await db.$disconnect();
await pool.end();

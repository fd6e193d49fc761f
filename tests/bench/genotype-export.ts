// `cd tests && pnpm exec tsx bench/genotype-export.ts`: PLINK export of BENCH_ANIMALS (2,000)
// animals x BENCH_SNPS (60,000) genotypes on a fresh database, each run in a child process: the
// streamed .bed and .ped exports (plan, pages of short tenant transactions, zip) against the
// baseline of every packed row read in one query into one matrix and written by the library's
// writePlinkBinary without a zip. Prints wall time, MB/s of output and of packed genotypes read,
// and peak RSS; the goal is that the export's peak RSS does not grow with the selection.
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { genotypes } from "@reprotech/domain";
import { SnpPanel, type SnpMarker } from "@reprotech/genomics";
import pg from "pg";
import { createTestDatabase } from "../support/database";

const nAnimals = Number(process.env.BENCH_ANIMALS ?? 2000);
const nSnps = Number(process.env.BENCH_SNPS ?? 60_000);
const run = promisify(execFile);
const TSX = path.join(import.meta.dirname, "../node_modules/.bin/tsx");

const database = await createTestDatabase();
const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 4 });
owner.on("error", () => {});
try {
  const customerId = randomUUID();
  await owner.query(
    `INSERT INTO customers (id, name, max_animals, updated_at) VALUES ($1, 'Bench export farm', $2, now())`,
    [customerId, nAnimals + 10],
  );
  const markers: SnpMarker[] = Array.from({ length: nSnps }, (_, j) => ({
    chrom: String(1 + Math.floor((j * 29) / nSnps)),
    name: `BovineSNP${j}`,
    position: 1000 + j * 997,
    a: "A",
    b: "G",
  }));
  const panelId = randomUUID();
  await owner.query(
    `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
     VALUES ($1, 'Bench 60K', '1', $2, $3, $4, 'map')`,
    [panelId, nSnps, Buffer.from(genotypes.encodeMarkerMap(new SnpPanel(markers))), "0".repeat(64)],
  );
  const uploadId = randomUUID();
  await owner.query(
    `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
     VALUES ($1, $2, 'bench.txt', 1, $3, 'bench', 'final_report', $4, 'completed', now())`,
    [uploadId, customerId, "1".repeat(64), panelId],
  );
  const stride = Math.ceil(nSnps / 4);
  const seeded = performance.now();
  for (let i0 = 0; i0 < nAnimals; i0 += 200) {
    const ids: string[] = [];
    const official: string[] = [];
    const packed: Buffer[] = [];
    for (let i = i0; i < Math.min(nAnimals, i0 + 200); i++) {
      ids.push(randomUUID());
      official.push(`HO840${String(900000000000 + i)}`);
      // Random codes, no missing (0b01) pattern forced: PLINK codes 00/01/10/11 all occur.
      const row = randomBytes(stride);
      if (nSnps % 4) row[stride - 1]! &= (1 << ((nSnps % 4) * 2)) - 1;
      packed.push(row);
    }
    await owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
       SELECT id, $2, official, 'HO', 'female', '2022-01-01', now() FROM unnest($1::uuid[], $3::text[]) AS t(id, official)`,
      [ids, customerId, official],
    );
    await owner.query(
      `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
       SELECT gen_random_uuid(), $2, id, $3, $4, packed, 1, 0.3, 'pass', true FROM unnest($1::uuid[], $5::bytea[]) AS t(id, packed)`,
      [ids, customerId, panelId, uploadId, packed],
    );
  }
  await owner.query(`VACUUM ANALYZE genotypes`);
  const packedMb = (nAnimals * stride) / 1e6;
  console.log(
    `${nAnimals} animals x ${nSnps} SNPs (${packedMb.toFixed(1)} MB packed) seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );

  const child = async (mode: string) =>
    JSON.parse(
      (
        await run(
          TSX,
          [path.join(import.meta.dirname, "genotype-export-child.ts"), database.appUrl, customerId, mode],
          {
            maxBuffer: 1 << 20,
          },
        )
      ).stdout,
    ) as { ms: number; planMs: number; bytes: number; peakRssMb: number; rssBeforeMb: number };

  const results: Record<string, Awaited<ReturnType<typeof child>>> = {};
  for (const mode of ["memory-bed", "stream-bed", "stream-ped"]) results[mode] = await child(mode);
  console.log(`\nexport of ${nAnimals} animals, child process each:`);
  for (const [mode, r] of Object.entries(results))
    console.log(
      `  ${mode.padEnd(11)} ${(r.ms / 1000).toFixed(2).padStart(6)} s (plan ${(r.planMs / 1000).toFixed(2)} s)  ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB out  ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(1).padStart(6)} MB/s out  ${(packedMb / (r.ms / 1000)).toFixed(1).padStart(6)} MB/s genotypes  peak RSS ${r.peakRssMb.toFixed(0)} MB (${r.rssBeforeMb.toFixed(0)} MB before)`,
    );
  const base = results["memory-bed"]!;
  const bed = results["stream-bed"]!;
  console.log(
    `\nstreamed .bed zip vs in-memory .bed (no zip): time ${(bed.ms / base.ms).toFixed(2)}x, peak RSS ${(bed.peakRssMb / base.peakRssMb).toFixed(2)}x (${(bed.peakRssMb - bed.rssBeforeMb).toFixed(0)} MB vs ${(base.peakRssMb - base.rssBeforeMb).toFixed(0)} MB above start)`,
  );
} finally {
  await owner.end();
  await database.drop();
}

// The gbv-score job on the embedded default (PGlite behind its socket server, as `npm start` runs it
// without DATABASE_URL). PGlite has ONE session that every connection shares, so a job that opened a
// transaction while a COPY on another connection was still open would wait on itself for ever. The
// batch load (read and score first, then a load transaction per model, one at a time there) and the
// page path (a transaction per page) must both finish there: a publication of two traits' models, a
// second version that turns the first into history, and after each a re-run that finds one genotype
// stored since (the page path), on a small simulated herd stored as the owner.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@reprotech/core";
import { createPool, createPrisma, migrate, migrationsDir, withSystem } from "@reprotech/db";
import { startEmbeddedPostgres } from "@reprotech/db/embedded";
import { gbv, genotypes } from "@reprotech/domain";
import { alleleFrequencies, bytesPerSample, simulatePopulation } from "@reprotech/genomics";
import pg from "pg";
import { expect, it } from "vitest";

const N_ANIMALS = 120;
const N_SNPS = 1500;

it("publishes, re-scores and re-runs on PGlite without waiting on itself", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "reprotech-pglite-gbv-"));
  const embedded = await startEmbeddedPostgres(dir, 4);
  let pool: pg.Pool | undefined;
  try {
    await migrate(embedded.url, migrationsDir());
    const owner = new pg.Client({ connectionString: embedded.url });
    await owner.connect();
    const pop = simulatePopulation({
      seed: 3,
      nAnimals: N_ANIMALS,
      nSnps: N_SNPS,
      nGenerations: 1,
      historicalGenerations: 3,
    });
    const [customer, panel, upload] = [randomUUID(), randomUUID(), randomUUID()];
    await owner.query(`INSERT INTO customers (id, name, updated_at) VALUES ($1, 'Embedded farm', now())`, [customer]);
    await owner.query(
      `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
       VALUES ($1, 'Embedded chip', '1', $2, $3, $4, 'map')`,
      [panel, N_SNPS, genotypes.encodeMarkerMap(pop.panel), "0".repeat(64)],
    );
    await owner.query(
      `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
       VALUES ($1, $2, 'seeded', 1, $3, 'seeded', 'ped', $4, 'completed', now())`,
      [upload, customer, "a".repeat(64), panel],
    );
    const stride = bytesPerSample(N_SNPS);
    for (let i = 0; i < N_ANIMALS; i++) {
      const animal = randomUUID();
      await owner.query(
        `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
         VALUES ($1, $2, $3, 'HO', 'female', '2021-01-01', now())`,
        [animal, customer, `HO276${String(i).padStart(12, "0")}`],
      );
      await owner.query(
        `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 0.99, 0.3, 'pass', true)`,
        [customer, animal, panel, upload, Buffer.from(pop.genotypes.data.subarray(i * stride, (i + 1) * stride))],
      );
    }
    await owner.end();
    await embedded.dropToAppRole();
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: embedded.url, DATABASE_POOL_MAX: "4" });
    pool = createPool(embedded.url, config);
    const db = createPrisma(pool);
    const count = () =>
      withSystem(db, (tx) =>
        tx.$queryRawUnsafe<{ n: number; current: number; latest: number }[]>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE is_current)::int AS current,
                  count(*) FILTER (WHERE is_current AND model_id IN (SELECT id FROM gbv_models WHERE status = 'published'))::int AS latest
             FROM gbv_predictions`,
        ),
      );
    const traits = await withSystem(db, (tx) =>
      tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text AS id FROM gbv_traits WHERE code IN ('fertility', 'longevity') ORDER BY code`,
      ),
    );
    expect(traits).toHaveLength(2);
    let herd = N_ANIMALS;
    let stored = 0;
    for (const version of [1, 2]) {
      const modelIds = await withSystem(db, async (tx) => {
        const ids: string[] = [];
        for (const [k, trait] of traits.entries()) {
          const m = await gbv.insertModel(tx, {
            traitId: trait.id,
            panelId: panel,
            source: "imported",
            status: "draft",
            effects: Float64Array.from({ length: N_SNPS }, (_, j) => Math.sin(j * (version + k)) / 100),
            alleleFreqs: alleleFrequencies(pop.genotypes),
            reliability: { method: "daetwyler", nReference: 1000, h2: 0.2 },
            provenance: { kind: "test" },
            createdBy: null,
          });
          await gbv.publishModel(tx, m.id, null);
          ids.push(m.id);
        }
        return ids;
      });
      // One load at a time, as the server runs the job in embedded mode (jobs.ts, singleSessionDatabase).
      const opts = { pageSize: 50, loadLanes: 1 };
      expect(await gbv.scoreModelsBatch({ db, pool }, modelIds, opts)).toEqual({
        models: 2,
        genotypes: herd,
        predictions: 2 * herd,
      });
      stored += 2 * herd;
      expect(await count()).toEqual([{ n: stored, current: 2 * herd, latest: 2 * herd }]);
      // A genotype stored after the load without its own scoring: a re-run finds the partitions and
      // scores just that one, a transaction per page.
      await withSystem(db, async (tx) => {
        const animal = randomUUID();
        await tx.$executeRawUnsafe(
          `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
           VALUES ($1::uuid, $2::uuid, $3, 'HO', 'female', '2022-01-01', now())`,
          animal,
          customer,
          `HO276${String(100_000 + version).padStart(12, "0")}`,
        );
        await tx.$executeRawUnsafe(
          `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
           VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, 0.99, 0.3, 'pass', true)`,
          customer,
          animal,
          panel,
          upload,
          Buffer.from(pop.genotypes.data.subarray(0, stride)),
        );
      });
      herd++;
      expect(await gbv.scoreModelsBatch({ db, pool }, modelIds, opts)).toEqual({
        models: 2,
        genotypes: 1,
        predictions: 2,
      });
      stored += 2;
      expect(await count()).toEqual([{ n: stored, current: 2 * herd, latest: 2 * herd }]);
    }
    await db.$disconnect();
  } finally {
    await pool?.end();
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  }
}, 180_000);

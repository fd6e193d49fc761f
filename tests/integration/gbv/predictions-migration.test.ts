// Migration 20261206000000_gbv_predictions_by_model on a database that already holds predictions:
// every row (current and history, percentiles, timestamps) moves into its model's partition, the
// partitions are attached and reachable only through the parent, and scoring-era rules hold after it.
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate, migrationsDir } from "@reprotech/db";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/database";

const MIGRATION = "20261206000000_gbv_predictions_by_model";
let db: TestDatabase | undefined;
let dir: string | undefined;
afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("moves existing predictions into one attached partition per model, values and history intact", async () => {
  db = await createTestDatabase({ migrate: false });
  dir = await mkdtemp(path.join(tmpdir(), "reprotech-migrations-"));
  await cp(migrationsDir(), dir, { recursive: true });
  await rm(path.join(dir, MIGRATION), { recursive: true });
  await migrate(db.ownerUrl, dir);
  const c = new pg.Client({ connectionString: db.ownerUrl });
  await c.connect();
  try {
    // Two models of one trait on one panel, two animals: v1's rows are history, v2's current.
    await c.query(`
      INSERT INTO customers (id, name, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'Farm', now());
      INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
        VALUES ('00000000-0000-4000-8000-000000000002', 'Chip', '1', 1, '\\x00', repeat('0', 64), 'map');
      INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
        VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 's', 1, repeat('a', 64), 'k', 'ped',
                '00000000-0000-4000-8000-000000000002', 'completed', now());
      INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', 'HO276000000000011', 'HO', 'female', '2021-01-01', now()),
        ('00000000-0000-4000-8000-000000000012', '00000000-0000-4000-8000-000000000001', 'HO276000000000012', 'HO', 'female', '2021-01-01', now());
      INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
        SELECT ('00000000-0000-4000-8000-00000000002' || n)::uuid, '00000000-0000-4000-8000-000000000001',
               ('00000000-0000-4000-8000-00000000001' || n)::uuid, '00000000-0000-4000-8000-000000000002',
               '00000000-0000-4000-8000-000000000003', '\\x00', 0.99, 0.3, 'pass', true FROM generate_series(1, 2) n;
      INSERT INTO gbv_models (id, trait_id, panel_id, version, source, snp_count, effects, allele_freqs, provenance, status, updated_at)
        SELECT ('00000000-0000-4000-8000-00000000003' || v)::uuid, t.id, '00000000-0000-4000-8000-000000000002', v, 'imported', 1,
               '\\x00', '\\x00', '{}', CASE v WHEN 1 THEN 'retired' ELSE 'draft' END::"GbvModelStatus", now()
          FROM gbv_traits t, generate_series(1, 2) v WHERE t.code = 'fertility';
      INSERT INTO gbv_predictions (id, customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability,
                                   percentile_breed, percentile_customer, is_current, created_at)
        SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', ('00000000-0000-4000-8000-00000000001' || n)::uuid, m.trait_id,
               m.id, ('00000000-0000-4000-8000-00000000002' || n)::uuid, 10 * m.version + n, 0.5, 50 * (n - 1), 100 * (n - 1),
               m.version = 2, ('2026-01-0' || m.version || 'T00:00:00Z')::timestamptz
          FROM gbv_models m, generate_series(1, 2) n;
    `);
    const before = await c.query(
      `SELECT model_id::text, genotype_id::text, value, reliability, percentile_breed, percentile_customer, is_current, created_at
         FROM gbv_predictions ORDER BY value`,
    );
    expect(before.rows).toHaveLength(4);

    await cp(path.join(migrationsDir(), MIGRATION), path.join(dir, MIGRATION), { recursive: true });
    expect((await migrate(db.ownerUrl, dir)).applied).toEqual([MIGRATION]);

    const after = await c.query(
      `SELECT model_id::text, genotype_id::text, value, reliability, percentile_breed, percentile_customer, is_current, created_at
         FROM gbv_predictions ORDER BY value`,
    );
    expect(after.rows).toEqual(before.rows);
    const { rows: parts } = await c.query<{ name: string; app: boolean }>(
      `SELECT c.relname AS name, has_table_privilege('reprotech_app', c.oid, 'SELECT') AS app
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'gbv_predictions'::regclass ORDER BY 1`,
    );
    expect(parts).toEqual([
      { name: "gbv_predictions_00000000000040008000000000000031", app: false },
      { name: "gbv_predictions_00000000000040008000000000000032", app: false },
    ]);
    // The primary key holds across partitions' rows: the same (model, genotype) again is refused.
    await expect(
      c.query(
        `INSERT INTO gbv_predictions (customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability)
         SELECT customer_id, animal_id, trait_id, model_id, genotype_id, 0, 0 FROM gbv_predictions LIMIT 1`,
      ),
    ).rejects.toThrow(/duplicate key/);
  } finally {
    await c.end();
  }
}, 120_000);

// Row-level security proven without the application code: raw SQL as the application role.
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWorld, type World } from "../../support/identity";

let world: World;
let app: pg.Pool;
let tables: { name: string; rls: boolean; force: boolean; customerColumn: string | null }[];

beforeAll(async () => {
  world = await createWorld();
  app = new pg.Pool({ connectionString: inject("appUrl"), max: 2 });
  // Rows of every kind for farm A, written as the owner.
  const a = world.customerA;
  const userA = world.usersA.customer_admin.id;
  const o = world.owner;
  await o.query(
    `INSERT INTO sessions (id, secret_hash, user_id, expires_at) VALUES ($1, '\\x00', $2, now() + interval '1 hour')`,
    [randomBytes(8).toString("hex"), userA],
  );
  await o.query(
    `INSERT INTO api_tokens (id, secret_hash, customer_id, created_by_id, name, permissions, expires_at) VALUES ($1, '\\x00', $2, $3, 't', '{animals.read}', now() + interval '1 day')`,
    [randomBytes(8).toString("hex"), a, userA],
  );
  await o.query(
    `INSERT INTO password_resets (id, secret_hash, user_id, created_by_id, expires_at) VALUES ($1, '\\x00', $2, $2, now() + interval '1 hour')`,
    [randomBytes(8).toString("hex"), userA],
  );
  await o.query(`INSERT INTO audit_log (id, customer_id, action, result) VALUES ($1, $2, 'test.row', 'ok')`, [
    randomUUID(),
    a,
  ]);
  const bull = randomUUID();
  await o.query(
    `INSERT INTO bulls (id, naab_code, registration_number, name, breed, updated_at) VALUES ($1, $2, $3, 'Test Bull', 'HO', now())`,
    [
      bull,
      `7HO${randomBytes(2).readUInt16BE(0)}`,
      `HOUSAM${randomBytes(6).toString("hex").toUpperCase()}`.slice(0, 18) + "M",
    ],
  );
  const animal = randomUUID();
  await o.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, sire_bull_id, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2024-03-01', $4, now())`,
    [animal, a, `HO840${String(Date.now()).slice(-12).padStart(12, "0")}`, bull],
  );
  const panel = randomUUID();
  const upload = randomUUID();
  const sha = randomBytes(32).toString("hex");
  await o.query(
    `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format) VALUES ($1, $2, '1', 4, '\\x00', $3, 'map')`,
    [panel, `Test panel ${panel}`, sha],
  );
  await o.query(
    `INSERT INTO genotype_uploads (id, customer_id, uploader_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, updated_at) VALUES ($1, $2, $3, 'a.txt', 10, $4, 'k', 'final_report', $5, now())`,
    [upload, a, userA, sha, panel],
  );
  await o.query(
    `INSERT INTO genotype_sample_results (id, customer_id, upload_id, sample_id, animal_id, outcome) VALUES ($1, $2, $3, 's1', $4, 'stored')`,
    [randomUUID(), a, upload, animal],
  );
  const genotype = randomUUID();
  await o.query(
    `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status) VALUES ($1, $2, $3, $4, $5, '\\x00', 1, 0.5, 'pass')`,
    [genotype, a, animal, panel, upload],
  );
  // Genomic evaluations: a model (catalogue), a phenotype set with one record, a prediction, a farm's
  // own selection index and a stored report.
  const model = randomUUID();
  const set = randomUUID();
  const { rows: traits } = await o.query(`SELECT id FROM gbv_traits WHERE code = 'milk_production'`);
  const trait = traits[0].id as string;
  await o.query(
    `INSERT INTO gbv_phenotype_sets (id, original_file_name, sha256, record_count) VALUES ($1, 'p.csv', $2, 1)`,
    [set, randomBytes(32).toString("hex")],
  );
  await o.query(
    `INSERT INTO gbv_phenotypes (id, customer_id, set_id, animal_id, trait_id, value) VALUES ($1, $2, $3, $4, $5, 1.5)`,
    [randomUUID(), a, set, animal, trait],
  );
  await o.query(
    `INSERT INTO gbv_models (id, trait_id, panel_id, version, source, snp_count, effects, allele_freqs, provenance, updated_at) VALUES ($1, $2, $3, 1, 'imported', 0, '\\x00', '\\x00', '{}', now())`,
    [model, trait, panel],
  );
  // Predictions live in one partition per model (made the way the gbv-score job makes them).
  await o.query(`SELECT gbv_predictions_stage($1)`, [model]);
  await o.query(`SELECT gbv_predictions_attach($1)`, [model]);
  await o.query(
    `INSERT INTO gbv_predictions (customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability) VALUES ($1, $2, $3, $4, $5, 1, 0.5)`,
    [a, animal, trait, model, genotype],
  );
  await o.query(
    `INSERT INTO gbv_selection_indexes (id, customer_id, name, weights, updated_at) VALUES ($1, $2, 'Own', '{}', now())`,
    [randomUUID(), a],
  );
  await o.query(
    `INSERT INTO gbv_reports (id, customer_id, animal_id, inputs_hash, blob_key, byte_size, sha256) VALUES ($1, $2, $3, $4, 'k', 1, $4)`,
    [randomUUID(), a, animal, randomBytes(32).toString("hex")],
  );
  const { rows } = await o.query(`
    SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname IN ('customer_id') AND NOT a.attisdropped) AS "customerColumn"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname`);
  tables = rows;
});
afterAll(async () => {
  await app?.end();
  await world?.close();
});

async function inTransaction<T>(
  settings: { customerIds?: string; userId?: string },
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const c = await app.connect();
  try {
    await c.query("BEGIN");
    if (settings.customerIds !== undefined)
      await c.query(`SELECT set_config('app.customer_ids', $1, true)`, [settings.customerIds]);
    if (settings.userId !== undefined) await c.query(`SELECT set_config('app.user_id', $1, true)`, [settings.userId]);
    return await fn(c);
  } finally {
    await c.query("ROLLBACK");
    c.release();
  }
}

describe("row-level security as the application role", () => {
  it("is enabled and forced on every table (partitions inherit the parent's)", () => {
    expect(tables.length).toBeGreaterThanOrEqual(7);
    for (const t of tables)
      expect({ table: t.name, rls: t.rls, force: t.force }).toEqual({ table: t.name, rls: true, force: true });
  });

  it("shows nothing in any table when no tenant setting is present", async () => {
    for (const t of tables) {
      const { rows: owned } = await world.owner.query(`SELECT count(*)::int AS n FROM "${t.name}"`);
      expect(owned[0].n, `${t.name} has rows to hide`).toBeGreaterThan(0);
      const { rows } = await app.query(`SELECT count(*)::int AS n FROM "${t.name}"`);
      expect({ table: t.name, visible: rows[0].n }).toEqual({ table: t.name, visible: 0 });
    }
  });

  it("inside customer B's transaction, cannot read, change or delete customer A's rows", async () => {
    const b = world.customerB;
    const a = world.customerA;
    const userB = world.usersB.customer_admin.id;
    await inTransaction({ customerIds: b, userId: userB }, async (c) => {
      for (const t of tables.filter((t) => t.customerColumn)) {
        const read = await c.query(`SELECT count(*)::int AS n FROM "${t.name}" WHERE customer_id = $1`, [a]);
        expect({ table: t.name, read: read.rows[0].n }).toEqual({ table: t.name, read: 0 });
      }
      expect((await c.query(`SELECT count(*)::int AS n FROM customers WHERE id = $1`, [a])).rows[0].n).toBe(0);
      expect((await c.query(`UPDATE customers SET name = 'stolen' WHERE id = $1`, [a])).rowCount).toBe(0);
      expect((await c.query(`UPDATE users SET display_name = 'stolen' WHERE customer_id = $1`, [a])).rowCount).toBe(0);
      expect((await c.query(`DELETE FROM api_tokens WHERE customer_id = $1`, [a])).rowCount).toBe(0);
      expect((await c.query(`SELECT count(*)::int AS n FROM sessions`)).rows[0].n).toBe(0);
      expect((await c.query(`SELECT count(*)::int AS n FROM password_resets`)).rows[0].n).toBe(0);
    });
    // Writing a row that belongs to A from B's transaction is refused by the WITH CHECK clause.
    await expect(
      inTransaction({ customerIds: b, userId: userB }, (c) =>
        c.query(
          `INSERT INTO api_tokens (id, secret_hash, customer_id, created_by_id, name, permissions, expires_at) VALUES ('x1', '\\x00', $1, $2, 'x', '{}', now())`,
          [a, userB],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      inTransaction({ customerIds: b, userId: userB }, (c) =>
        c.query(`UPDATE users SET customer_id = $1 WHERE id = $2`, [a, userB]),
      ),
    ).rejects.toThrow(/row-level security/);
    // B's own rows stay reachable: the wall is not simply "nothing works".
    await inTransaction({ customerIds: b, userId: userB }, async (c) => {
      expect((await c.query(`SELECT count(*)::int AS n FROM customers WHERE id = $1`, [b])).rows[0].n).toBe(1);
      expect((await c.query(`SELECT count(*)::int AS n FROM users WHERE customer_id = $1`, [b])).rows[0].n).toBe(2);
    });
  });

  it("keeps the audit log append-only for the application role", async () => {
    await inTransaction({ customerIds: "*" }, async (c) => {
      await expect(c.query(`UPDATE audit_log SET detail = 'rewritten'`)).rejects.toThrow(/permission denied/);
    });
    await inTransaction({ customerIds: "*" }, async (c) => {
      await expect(c.query(`DELETE FROM audit_log`)).rejects.toThrow(/permission denied/);
    });
  });
});

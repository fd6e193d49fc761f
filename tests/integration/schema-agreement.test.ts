// prisma/schema and prisma/migrations must describe the same database. We hand-write migrations
// (Prisma's CLI cannot run its engine here), so nothing else stops a model from drifting away from
// the SQL that actually builds the tables. This test migrates an empty database with our migrator
// and asks Prisma's own schema engine (`migrate diff` semantics, see support/schema-diff.ts)
// for the difference between that database and the schema: it must be empty.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { diffDatabaseAgainstSchema, loadSchemaFiles, type NamePattern } from "../support/schema-diff";

/**
 * What the migrations create on purpose that prisma/schema does not declare — the ONE allow-list.
 * Names or patterns. Partition children (relispartition) never need listing: Prisma skips them and
 * compares only the partitioned parent, which must then be a model. List here only tables and
 * enums the application does not reach through Prisma, with the reason beside each.
 */
const MIGRATION_OWNED: { tables: readonly NamePattern[]; enums: readonly NamePattern[] } = {
  tables: [
    "_prisma_migrations", // migration history, written by packages/db's migrator (Prisma skips it anyway)
  ],
  enums: [],
};

const diffOptions = { externalTables: MIGRATION_OWNED.tables, externalEnums: MIGRATION_OWNED.enums };

function explain(diff: { summary: string; script: string }): string {
  return [
    "The database built by prisma/migrations differs from prisma/schema.",
    "Changes the schema still wants (Prisma's summary):",
    diff.summary,
    "",
    "SQL that would make the database match the schema — put it in a new migration if the schema is right, or fix the schema:",
    diff.script,
  ].join("\n");
}

/** The items Prisma's summary lists under a heading such as "[-] Removed tables". */
function listedUnder(summary: string, heading: string): string[] {
  const lines = summary.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+- (.+)$/.exec(line);
    if (!item) break;
    items.push(item[1]!);
  }
  return items;
}

describe("prisma/schema and prisma/migrations agree", () => {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(); // empty database, every migration applied
  });
  afterAll(async () => db?.drop());

  it("migrating an empty database yields exactly what the schema declares, and nothing else", async () => {
    const diff = await diffDatabaseAgainstSchema({ databaseUrl: db!.ownerUrl, ...diffOptions });
    if (!diff.empty) expect.fail(explain(diff));
  });
});

// The check is only worth having if it fails on drift. These cases drift a throwaway database (and an
// in-memory schema) on purpose and require the diff to name what drifted. Generic: they pick their
// victims from whatever the migrations created.
describe("the agreement check detects drift", () => {
  let db: TestDatabase | undefined;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.ownerUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it("names tables, columns, indexes and enum values the schema does not declare, and models the database lacks", async () => {
    // A required, non-key column of some migrated table (skip the allow-listed history table).
    const { rows } = await client!.query<{ table_name: string; column_name: string }>(`
      SELECT c.table_name, c.column_name FROM information_schema.columns c
      WHERE c.table_schema = current_schema() AND c.is_nullable = 'NO' AND c.table_name <> '_prisma_migrations'
        AND NOT EXISTS (
          SELECT 1 FROM information_schema.key_column_usage k
          JOIN information_schema.table_constraints t USING (constraint_schema, constraint_name)
          WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
            AND k.table_name = c.table_name AND k.column_name = c.column_name)
      ORDER BY 1, 2 LIMIT 1`);
    const victim = rows[0];
    expect(victim, "the migrations should create at least one table with a required column").toBeDefined();
    const { table_name: table, column_name: column } = victim!;
    await client!.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" DROP NOT NULL`);
    await client!.query(`CREATE INDEX "drift_canary_idx" ON "${table}" ("${column}")`);
    await client!.query(`CREATE TABLE "drift_canary" (id int PRIMARY KEY)`);
    await client!.query(`CREATE TYPE "DriftCanaryKind" AS ENUM ('a', 'b')`);

    const schemaFiles = [
      ...(await loadSchemaFiles()),
      {
        path: "drift-canary.prisma",
        content: `model DriftCanaryModel {\n  id Int @id\n\n  @@map("drift_canary_model")\n}\n`,
      },
    ];
    const diff = await diffDatabaseAgainstSchema({ databaseUrl: db!.ownerUrl, schemaFiles, ...diffOptions });

    expect(diff.empty).toBe(false);
    expect(diff.summary).toContain(`Changed the \`${table}\` table`);
    expect(diff.summary).toContain(`Altered column \`${column}\` (changed from Nullable to Required)`);
    expect(diff.summary).toContain(`Removed index on columns (${column})`);
    expect(listedUnder(diff.summary, "[-] Removed tables")).toContain("drift_canary");
    expect(listedUnder(diff.summary, "[-] Removed enums")).toContain("DriftCanaryKind");
    expect(listedUnder(diff.summary, "[+] Added tables")).toContain("drift_canary_model");
    expect(diff.script).toContain(`ALTER COLUMN "${column}" SET NOT NULL`);
  });

  it("ignores allow-listed tables and partition children, and nothing else", async () => {
    await client!.query(`CREATE TABLE "owned_events" (at date NOT NULL) PARTITION BY RANGE (at)`);
    await client!.query(
      `CREATE TABLE "owned_events_2026" PARTITION OF "owned_events" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
    );
    await client!.query(`CREATE TABLE "owned_audit_2026_11" (id int)`);
    await client!.query(`CREATE TABLE "not_owned_audit_2026_11" (id int)`);
    const diff = await diffDatabaseAgainstSchema({
      databaseUrl: db!.ownerUrl,
      externalTables: [...MIGRATION_OWNED.tables, "owned_events", /^owned_audit_\d{4}_\d{2}$/],
      externalEnums: MIGRATION_OWNED.enums,
    });
    const removed = listedUnder(diff.summary, "[-] Removed tables");
    expect(removed.filter((t) => t.startsWith("owned_"))).toEqual([]);
    // The allow-list hides only what it names.
    expect(removed).toContain("not_owned_audit_2026_11");
  });
});

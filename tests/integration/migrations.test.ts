// `pnpm db:migrate` semantics: idempotent, refuses edited history, safe under concurrency, atomic.
import { cp, mkdtemp, mkdir, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate, migrationsDir, MigrationError } from "@reprotech/db";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "reprotech-migrations-"));
  await cp(migrationsDir(), dir, { recursive: true });
  return dir;
}

async function history(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT migration_name, checksum, finished_at, started_at, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at`,
    );
    return rows;
  } finally {
    await c.end();
  }
}

describe("migrator", () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it("applies every migration once, records it as Prisma does, and is a no-op the second time", async () => {
    db = await createTestDatabase({ migrate: false });
    const first = await migrate(db.ownerUrl, migrationsDir());
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrate(db.ownerUrl, migrationsDir());
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    const rows = await history(db.ownerUrl);
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("refuses to run when an applied migration's file was edited, naming the migration", async () => {
    db = await createTestDatabase({ migrate: false });
    const dir = await copyMigrations();
    await migrate(db.ownerUrl, dir);
    const [firstName] = (await history(db.ownerUrl)).map((r) => r.migration_name);
    await appendFile(path.join(dir, firstName, "migration.sql"), "\n-- an innocent-looking edit\n");
    await expect(migrate(db.ownerUrl, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db.ownerUrl, dir)).rejects.toThrow(
      new RegExp(`Migration ${firstName} was changed after it was applied`),
    );
  });

  it("lets two concurrent runs apply each migration exactly once", async () => {
    db = await createTestDatabase({ migrate: false });
    const [a, b] = await Promise.all([migrate(db.ownerUrl, migrationsDir()), migrate(db.ownerUrl, migrationsDir())]);
    const rows = await history(db.ownerUrl);
    const names = rows.map((r) => r.migration_name);
    expect(new Set(names).size).toBe(names.length);
    expect([...a.applied, ...b.applied].sort()).toEqual([...names].sort());
    expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
  });

  it("rolls a failing migration back completely and records nothing for it", async () => {
    db = await createTestDatabase({ migrate: false });
    const dir = await copyMigrations();
    await mkdir(path.join(dir, "29991231000000_broken"));
    await writeFile(
      path.join(dir, "29991231000000_broken", "migration.sql"),
      `CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n`,
    );
    await expect(migrate(db.ownerUrl, dir)).rejects.toThrow(
      /Migration 29991231000000_broken failed and was rolled back: .*no_such_table/,
    );
    const c = new pg.Client({ connectionString: db.ownerUrl });
    await c.connect();
    const { rowCount } = await c.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    await c.end();
    expect(rowCount).toBe(0);
    expect((await history(db.ownerUrl)).map((r) => r.migration_name)).not.toContain("29991231000000_broken");
  });
});

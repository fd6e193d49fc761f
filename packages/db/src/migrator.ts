// Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, the way `prisma migrate
// deploy` would, because Prisma's schema engine cannot be downloaded on our machines. It writes
// Prisma's own `_prisma_migrations` table (checksum = SHA-256 hex of the file) so the real CLI
// agrees wherever it runs. Differences from Prisma, on purpose: each migration runs in one
// transaction, and a changed applied migration stops the run with the migration's name.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** The advisory lock key `prisma migrate` takes, so our migrator and Prisma's exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Applies every pending migration with the owner connection string. Safe to run concurrently:
 * runs serialise on Prisma's advisory lock and re-read the history once they hold it.
 */
export async function migrate(
  ownerUrl: string,
  dir: string,
  log: (line: string) => void = () => {},
): Promise<MigrateResult> {
  const files = await readMigrations(dir);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(CREATE_HISTORY);
      const { rows } = await client.query<HistoryRow>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const history = new Map(rows.map((r) => [r.migration_name, r]));
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const file of files) {
        const done = history.get(file.name);
        if (done?.finished_at) {
          if (done.checksum !== file.checksum) {
            throw new MigrationError(
              `Migration ${file.name} was changed after it was applied (checksum ${done.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Restore the file and put the change in a new migration.`,
            );
          }
          result.alreadyApplied.push(file.name);
          continue;
        }
        if (done) {
          throw new MigrationError(
            `Migration ${file.name} started earlier but never finished; resolve it before migrating again.`,
          );
        }
        await applyOne(client, file);
        log(`applied ${file.name}`);
        result.applied.push(file.name);
      }
      const known = new Set(files.map((f) => f.name));
      for (const name of history.keys()) {
        if (!known.has(name)) log(`warning: ${name} is recorded in the database but missing from ${dir}`);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${(error as Error).message}`);
  }
}

/** Names of migrations on disk that the database has not finished; used by /readyz. */
export async function pendingMigrations(
  query: (sql: string) => Promise<{ rows: { migration_name: string }[] }>,
  dir: string,
): Promise<string[]> {
  const files = await readMigrations(dir);
  let applied: Set<string>;
  try {
    const { rows } = await query(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = new Set(rows.map((r) => r.migration_name));
  } catch (error) {
    // No history table yet means nothing is applied; any other failure (unreachable) is real.
    if ((error as { code?: string }).code !== "42P01") throw error;
    applied = new Set();
  }
  return files.map((f) => f.name).filter((n) => !applied.has(n));
}

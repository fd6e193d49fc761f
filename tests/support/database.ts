// A throwaway database per test run: created, migrated as the owner, reached by the app role.
import { randomBytes } from "node:crypto";
import { APP_ROLE, migrate, migrationsDir } from "@reprotech/db";
import pg from "pg";
import { adminUrl } from "./env";

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  if (user) {
    u.username = user;
    u.password = "";
  }
  return u.toString();
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `reprotech_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const ownerUrl = withDatabase(adminUrl, name);
  if (options.migrate !== false) await migrate(ownerUrl, migrationsDir());
  return {
    name,
    ownerUrl,
    appUrl: withDatabase(adminUrl, name, APP_ROLE),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

// A private world for the auth tests: the app-role Prisma client (row-level security applies), a
// Redis runtime under its own key prefix (so deliberate sign-in failures never lock other test
// files' users), customers and users inserted as the owner, as an admin would create them.
import { randomBytes, randomUUID } from "node:crypto";
import { hashPassword, sessionConfigFrom, type AuthDeps } from "@reprotech/auth";
import { createCacheRuntime, type CacheRuntime } from "@reprotech/cache";
import { loadConfig, type Role } from "@reprotech/core";
import { createPool, createPrisma, type PrismaClient } from "@reprotech/db";
import pg from "pg";
import { inject } from "vitest";

export const PASSWORD = "correct horse battery staple";

export interface AuthWorld {
  deps: AuthDeps;
  db: PrismaClient;
  runtime: CacheRuntime;
  owner: pg.Pool;
  /** The same database with another (empty) cache: every validation goes to PostgreSQL. */
  withColdCache(): AuthDeps;
  customer(status?: "active" | "suspended", researchConsent?: boolean): Promise<string>;
  user(
    role: Role,
    options?: { customerId?: string; assigned?: string[]; status?: "active" | "disabled"; password?: string | null },
  ): Promise<{ id: string; email: string }>;
  /** A fresh client address, so IP throttling in one test never leaks into another. */
  ip(): string;
  close(): Promise<void>;
}

export async function createAuthWorld(signIn: Partial<AuthDeps["signIn"]> = {}): Promise<AuthWorld> {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_KEY_PREFIX: `${inject("redisPrefix")}auth-${randomBytes(4).toString("hex")}:`,
  });
  const pool = createPool(config.DATABASE_URL!, config);
  const db = createPrisma(pool);
  const runtime = createCacheRuntime(config, "test-auth");
  const owner = new pg.Pool({ connectionString: inject("ownerUrl"), max: 2 });
  const tag = randomBytes(3).toString("hex");
  const hash = await hashPassword(PASSWORD);
  const deps: AuthDeps = {
    db,
    cache: runtime.cache,
    rateLimiter: runtime.rateLimiter,
    sessions: sessionConfigFrom(config),
    signIn: {
      maxFailures: config.SIGNIN_MAX_FAILURES,
      windowSeconds: config.SIGNIN_WINDOW_MINUTES * 60,
      ipMaxFailures: config.SIGNIN_IP_MAX_FAILURES,
      ...signIn,
    },
  };
  const cold: CacheRuntime[] = [];
  let n = 0;
  return {
    deps,
    db,
    runtime,
    owner,
    withColdCache() {
      const rt = createCacheRuntime({ REDIS_URL: undefined, REDIS_KEY_PREFIX: "cold:" }, "cold");
      cold.push(rt);
      return { ...deps, cache: rt.cache };
    },
    async customer(status = "active", researchConsent = false) {
      const id = randomUUID();
      await owner.query(
        `INSERT INTO customers (id, name, status, research_consent, updated_at) VALUES ($1, $2, $3, $4, now())`,
        [id, `Farm ${tag} ${++n}`, status, researchConsent],
      );
      return id;
    },
    async user(role, options = {}) {
      const id = randomUUID();
      const email = `${role}.${tag}.${++n}@auth.test`;
      const password =
        options.password === undefined ? hash : options.password === null ? null : await hashPassword(options.password);
      await owner.query(
        `INSERT INTO users (id, email, display_name, role, customer_id, status, password_hash, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,now())`,
        [id, email, `${role} ${n}`, role, options.customerId ?? null, options.status ?? "active", password],
      );
      for (const c of options.assigned ?? [])
        await owner.query(`INSERT INTO customer_assignments (user_id, customer_id) VALUES ($1, $2)`, [id, c]);
      return { id, email };
    },
    ip: () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${++n % 250}`,
    async close() {
      await Promise.all(cold.map((rt) => rt.close(1000)));
      await runtime.close(1000);
      await db.$disconnect();
      await pool.end();
      await owner.end();
    },
  };
}

/** Every column of the rows, as text: for proving a secret is stored nowhere in clear. */
export async function rowText(
  owner: pg.Pool,
  table: "sessions" | "api_tokens" | "password_resets",
  id: string,
): Promise<string> {
  const { rows } = await owner.query<{ t: string }>(`SELECT t::text AS t FROM ${table} t WHERE id = $1`, [id]);
  if (!rows[0]) throw new Error(`no ${table} row ${id}`);
  return rows[0].t;
}

export async function auditRows(owner: pg.Pool, action: string, userId: string | null) {
  const { rows } = await owner.query<{
    result: string;
    detail: string | null;
    ip: string | null;
    user_agent: string | null;
    user_id: string | null;
  }>(
    `SELECT result, detail, ip, user_agent, user_id FROM audit_log WHERE action = $1 AND user_id IS NOT DISTINCT FROM $2 ORDER BY created_at, id`,
    [action, userId],
  );
  return rows;
}

export const minutes = (m: number) => m * 60_000;
export const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

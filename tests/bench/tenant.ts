// `pnpm bench:tenant`: what identity and tenancy cost per request. One in-process server on real
// PostgreSQL and Redis; the same load against (a) customers.get through tRPC with a session cookie —
// session lookup, permission check, RLS transaction — and (b) a bare Fastify route running the same
// SELECT through the owner's pool with no auth and no tenancy. Prints both and the ratio.
import { randomUUID } from "node:crypto";
import { hashPassword, sessionCookieName } from "@reprotech/auth";
import { createCacheRuntime } from "@reprotech/cache";
import { loadConfig, silentLogger } from "@reprotech/core";
import { createPool, createPrisma } from "@reprotech/db";
import { buildApp } from "@reprotech/server";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type autocannon from "autocannon";
import pg from "pg";
import pino from "pino";
import { createTestDatabase } from "../support/database";
import { redisUrl } from "../support/env";

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const run = promisify(execFile);
const AUTOCANNON = path.join(import.meta.dirname, "../node_modules/.bin/autocannon");

/** The load generator runs in its own process, so it does not share the server's event loop. */
async function load(
  target: { url: string; headers: Record<string, string> },
  seconds: number,
): Promise<autocannon.Result> {
  const headerArgs = Object.entries(target.headers).flatMap(([k, v]) => ["-H", `${k}=${v}`]);
  const { stdout } = await run(
    AUTOCANNON,
    ["-j", "-c", String(connections), "-d", String(seconds), ...headerArgs, target.url],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as autocannon.Result;
}
const duration = Number(process.env.BENCH_DURATION ?? 10);

const database = await createTestDatabase();
const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 10 });
// Dropping the database at the end terminates idle connections; that is expected here.
owner.on("error", () => {});
const customerId = randomUUID();
await owner.query(`INSERT INTO customers (id, name, updated_at) VALUES ($1, 'Bench farm', now())`, [customerId]);
const password = "bench password 123";
await owner.query(
  `INSERT INTO users (id, email, display_name, role, customer_id, password_hash, updated_at) VALUES ($1, 'bench@farm.test', 'Bench', 'customer_user', $2, $3, now())`,
  [randomUUID(), customerId, await hashPassword(password)],
);

const config = loadConfig({
  NODE_ENV: "test",
  DATABASE_URL: database.appUrl,
  DATABASE_OWNER_URL: database.ownerUrl,
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: `bench:${randomUUID()}:`,
});
const pool = createPool(config.DATABASE_URL!, config);
pool.on("error", () => {});
const db = createPrisma(pool);
const runtime = createCacheRuntime(config, "bench");
const app = await buildApp({
  deps: { config, pool, db, runtime, log: silentLogger, version: "bench", startedAt: new Date() },
  logger: pino({ level: "silent" }),
});
app.get("/bench/raw-customer", async (request) => {
  const { rows } = await owner.query(
    `SELECT id, name, tier, max_animals, research_consent, status, created_at, updated_at FROM customers WHERE id = $1`,
    [(request.query as { id: string }).id],
  );
  return rows[0];
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });

try {
  const signIn = await fetch(`${url}/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ json: { email: "bench@farm.test", password } }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .find((c) => c.startsWith(sessionCookieName(false)))!
    .split(";")[0]!;
  const input = encodeURIComponent(JSON.stringify({ json: { customerId } }));
  const targets = {
    "tRPC customers.get (session+RLS)": { url: `${url}/trpc/customers.get?input=${input}`, headers: { cookie } },
    "bare route, same SELECT": {
      url: `${url}/bench/raw-customer?id=${customerId}`,
      headers: {} as Record<string, string>,
    },
  };
  for (const t of Object.values(targets)) {
    const check = await fetch(t.url, { headers: t.headers });
    if (!check.ok) throw new Error(`${t.url} answered ${check.status}: ${await check.text()}`);
    await load(t, 2);
  }
  const results: Record<string, autocannon.Result> = {};
  for (const [name, t] of Object.entries(targets)) results[name] = await load(t, duration);
  const [tenant, bare] = Object.values(results) as [autocannon.Result, autocannon.Result];
  console.log(
    `\nNode ${process.version}, ${connections} connections, ${duration} s each, pool ${config.DATABASE_POOL_MAX}\n`,
  );
  console.log("route                              req/s    p50 ms   p99 ms   errors  non-2xx");
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(6)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(8)}`,
    );
  }
  console.log(
    `\ntenant / bare: throughput ${(tenant.requests.average / bare.requests.average).toFixed(2)}×, p50 ${(tenant.latency.p50 / Math.max(bare.latency.p50, 0.001)).toFixed(2)}×, p99 ${(tenant.latency.p99 / Math.max(bare.latency.p99, 0.001)).toFixed(2)}×`,
  );
} finally {
  await app.close();
  await runtime.close(1000);
  await db.$disconnect();
  await pool.end();
  await owner.end();
  await database.drop();
}

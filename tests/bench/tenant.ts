// `pnpm bench:tenant`: what identity and tenancy cost per request. One in-process server on real
// PostgreSQL and Redis; the same load against (a) customers.get through tRPC with a session cookie —
// session lookup, permission check, RLS transaction — and (b) a bare Fastify route running the same
// SELECT through the owner's pool with no auth and no tenancy. Prints both and the ratio.
import { randomUUID } from "node:crypto";
import { hashPassword } from "@reprotech/auth";
import pg from "pg";
import { createTestDatabase } from "../support/database";
import { measure, ratioLine, signInCookie, startBenchApp } from "./support";

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const duration = Number(process.env.BENCH_DURATION ?? 10);

const database = await createTestDatabase();
const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 10 });
owner.on("error", () => {});
const customerId = randomUUID();
await owner.query(`INSERT INTO customers (id, name, updated_at) VALUES ($1, 'Bench farm', now())`, [customerId]);
const password = "bench password 123";
await owner.query(
  `INSERT INTO users (id, email, display_name, role, customer_id, password_hash, updated_at) VALUES ($1, 'bench@farm.test', 'Bench', 'customer_user', $2, $3, now())`,
  [randomUUID(), customerId, await hashPassword(password)],
);

const server = await startBenchApp(database);
server.app.get("/bench/raw-customer", async (request) => {
  const { rows } = await owner.query(
    `SELECT id, name, tier, max_animals, research_consent, status, created_at, updated_at FROM customers WHERE id = $1`,
    [(request.query as { id: string }).id],
  );
  return rows[0];
});
const url = await server.app.listen({ host: "127.0.0.1", port: 0 });

try {
  const cookie = await signInCookie(url, "bench@farm.test", password);
  const input = encodeURIComponent(JSON.stringify({ json: { customerId } }));
  const results = await measure(
    {
      "tRPC customers.get (session+RLS)": { url: `${url}/trpc/customers.get?input=${input}`, headers: { cookie } },
      "bare route, same SELECT": { url: `${url}/bench/raw-customer?id=${customerId}`, headers: {} },
    },
    connections,
    duration,
  );
  const [tenant, bare] = Object.values(results) as [(typeof results)[string], (typeof results)[string]];
  console.log(
    `\nNode ${process.version}, ${connections} connections, ${duration} s each, pool ${server.config.DATABASE_POOL_MAX}\n`,
  );
  console.log("route                              req/s    p50 ms   p99 ms   errors  non-2xx");
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(6)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(8)}`,
    );
  }
  console.log(`\n${ratioLine("tenant / bare", tenant, bare)}`);
} finally {
  await server.close();
  await owner.end();
  await database.drop();
}

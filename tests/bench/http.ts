// `pnpm bench:http`: what tRPC costs per request. One run of the built server; the same load
// (autocannon, fixed connections and duration, after a warm-up) against a trivial tRPC query
// (system.ping) and a bare Fastify route (/healthz) on that same server; prints both and the ratio.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { startServer } from "../support/server";

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const duration = Number(process.env.BENCH_DURATION ?? 10);

async function load(url: string, seconds: number) {
  return autocannon({ url, connections, duration: seconds, pipelining: 1 });
}

const dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-bench-"));
// Embedded mode when no DATABASE_URL: neither route touches the database or Redis.
const server = await startServer({
  LOG_LEVEL: "warn",
  NODE_ENV: "production",
  DATA_DIR: dataDir,
  ...pick(process.env, ["DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL"]),
});
try {
  const targets = {
    "tRPC system.ping": `${server.url}/trpc/system.ping`,
    "Fastify GET /healthz": `${server.url}/healthz`,
  };
  for (const url of Object.values(targets)) await load(url, 2); // warm-up: JIT, connection setup
  const results: Record<string, autocannon.Result> = {};
  for (const [name, url] of Object.entries(targets)) results[name] = await load(url, duration);
  const [trpc, bare] = Object.values(results) as [autocannon.Result, autocannon.Result];
  console.log(`\nNode ${process.version}, ${connections} connections, ${duration} s each, one server process\n`);
  console.log("route                    req/s      p50 ms   p99 ms   errors  non-2xx");
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(24)} ${r.requests.average.toFixed(0).padStart(8)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(8)}`,
    );
  }
  console.log(
    `\ntRPC / bare: throughput ${(trpc.requests.average / bare.requests.average).toFixed(2)}×, p50 ${(trpc.latency.p50 / Math.max(bare.latency.p50, 0.001)).toFixed(2)}×, p99 ${(trpc.latency.p99 / Math.max(bare.latency.p99, 0.001)).toFixed(2)}×`,
  );
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => env[n]).map((n) => [n, env[n]!]));
}

// What the HTTP benchmarks share: a load generator in its own process, an in-process server on a
// fresh database with real Redis, a signed-in session cookie, and the ratio line.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { sessionCookieName } from "@reprotech/auth";
import type { Cache } from "@reprotech/cache";
import { buildApp } from "@reprotech/server";
import type autocannon from "autocannon";
import pino from "pino";
import type { TestDatabase } from "../support/database";
import { buildDeps } from "../support/deps";
import { redisUrl } from "../support/env";

const run = promisify(execFile);
const AUTOCANNON = path.join(import.meta.dirname, "../node_modules/.bin/autocannon");

export interface Target {
  url: string;
  headers: Record<string, string>;
}

/** The load generator runs in its own process (the autocannon CLI), so it does not share the server's event loop. */
export async function load(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  const headerArgs = Object.entries(target.headers).flatMap(([k, v]) => ["-H", `${k}=${v}`]);
  const { stdout } = await run(
    AUTOCANNON,
    ["-j", "-c", String(connections), "-d", String(seconds), ...headerArgs, target.url],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as autocannon.Result;
}

/** Checks each target answers 2xx, warms it up for 2 s, then loads each for `seconds`, one after the other. */
export async function measure(targets: Record<string, Target>, connections: number, seconds: number) {
  for (const t of Object.values(targets)) {
    const check = await fetch(t.url, { headers: t.headers });
    if (!check.ok) throw new Error(`${t.url} answered ${check.status}: ${await check.text()}`);
    await load(t, connections, 2);
  }
  const results: Record<string, autocannon.Result> = {};
  for (const [name, t] of Object.entries(targets)) results[name] = await load(t, connections, seconds);
  return results;
}

export function ratioLine(label: string, a: autocannon.Result, b: autocannon.Result): string {
  const r = (x: number, y: number) => (x / Math.max(y, 0.001)).toFixed(2);
  return `${label}: throughput ${r(a.requests.average, b.requests.average)}×, p50 ${r(a.latency.p50, b.latency.p50)}×, p99 ${r(a.latency.p99, b.latency.p99)}×`;
}

/**
 * The server's Fastify app in-process on `database` (as the app role) and real Redis; extra routes may
 * be added before listen(). `cachedReads: false` gives a baseline server whose cached reads
 * (cache.getOrLoad) always run their load — no Redis entry and no load shared between concurrent
 * requests — while sessions and everything else use the cache as usual.
 */
export async function startBenchApp(database: TestDatabase, options: { cachedReads?: boolean } = {}) {
  const built = buildDeps(
    { appUrl: database.appUrl, ownerUrl: database.ownerUrl, redisUrl, redisPrefix: `bench:${randomUUID()}:` },
    {},
    "bench",
  );
  // Dropping the database at the end terminates idle connections; that is expected here.
  built.deps.pool.on("error", () => {});
  const deps =
    options.cachedReads === false
      ? {
          ...built.deps,
          runtime: { ...built.deps.runtime, cache: uncachedReads(built.deps.runtime.cache) },
        }
      : built.deps;
  const app = await buildApp({ deps, logger: pino({ level: "silent" }) });
  return {
    app,
    config: built.deps.config,
    async close() {
      await app.close();
      await built.close();
    },
  };
}

function uncachedReads(cache: Cache): Cache {
  return {
    get: (key) => cache.get(key),
    set: (key, value, ttl) => cache.set(key, value, ttl),
    del: (...keys) => cache.del(...keys),
    invalidate: (namespace) => cache.invalidate(namespace),
    close: () => cache.close(),
    getOrLoad: (_namespace, _key, _ttl, load) => load(),
  };
}

/** Signs in through the real procedure and returns the `name=value` session cookie. */
export async function signInCookie(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ json: { email, password } }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(sessionCookieName(false)));
  if (!cookie) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  return cookie.split(";")[0]!;
}

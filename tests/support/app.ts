// The server's Fastify app in-process, wired to the run's real PostgreSQL (as the app role) and Redis.
import { buildApp } from "@reprotech/server";
import { createCacheRuntime } from "@reprotech/cache";
import { loadConfig, silentLogger } from "@reprotech/core";
import { createPool, createPrisma } from "@reprotech/db";
import pino from "pino";
import { inject } from "vitest";

export async function startTestApp(env: Record<string, string> = {}) {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_KEY_PREFIX: inject("redisPrefix"),
    ...env,
  });
  const pool = createPool(config.DATABASE_URL!, config);
  const db = createPrisma(pool);
  const runtime = createCacheRuntime(config, "test-server");
  const app = await buildApp({
    deps: { config, pool, db, runtime, log: silentLogger, version: "test", startedAt: new Date() },
    logger: pino({ level: "silent" }),
  });
  return {
    app,
    config,
    pool,
    runtime,
    async close() {
      await app.close();
      await runtime.close(1000);
      await db.$disconnect();
      await pool.end();
    },
  };
}

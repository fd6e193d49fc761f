// The server's dependencies as tests and benchmarks build them: real PostgreSQL as the app role and
// real Redis under a prefix of the run's own.
import type { ApiDeps } from "@reprotech/api";
import { createCacheRuntime } from "@reprotech/cache";
import { loadConfig, silentLogger } from "@reprotech/core";
import { createPool, createPrisma } from "@reprotech/db";

export interface Services {
  appUrl: string;
  ownerUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

export function buildDeps(services: Services, env: Record<string, string> = {}, name = "test") {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: services.appUrl,
    DATABASE_OWNER_URL: services.ownerUrl,
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: services.redisPrefix,
    ...env,
  });
  const pool = createPool(config.DATABASE_URL!, config);
  const db = createPrisma(pool);
  const runtime = createCacheRuntime(config, name);
  const deps: ApiDeps = { config, pool, db, runtime, log: silentLogger, version: name, startedAt: new Date() };
  return {
    deps,
    async close() {
      await runtime.close(1000);
      await db.$disconnect();
      await pool.end();
    },
  };
}

// The server's Fastify app in-process, wired to the run's real PostgreSQL (as the app role) and Redis.
import { buildApp } from "@reprotech/server";
import pino from "pino";
import { inject } from "vitest";
import { buildDeps } from "./deps";

/** The run's services, as the global setup provides them. */
export const runServices = () => ({
  appUrl: inject("appUrl"),
  ownerUrl: inject("ownerUrl"),
  redisUrl: inject("redisUrl"),
  redisPrefix: inject("redisPrefix"),
});

export async function startTestApp(env: Record<string, string> = {}) {
  const built = buildDeps(runServices(), env);
  const app = await buildApp({ deps: built.deps, logger: pino({ level: "silent" }) });
  return {
    app,
    config: built.deps.config,
    pool: built.deps.pool,
    runtime: built.deps.runtime,
    async close() {
      await app.close();
      await built.close();
    },
  };
}

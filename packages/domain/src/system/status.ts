// Health of the process's dependencies: the status procedure and /readyz both use it.
import type { CacheRuntime } from "@reprotech/cache";
import type { Config } from "@reprotech/core";
import { runtimeMode } from "@reprotech/core";
import { migrationsDir, pendingMigrations } from "@reprotech/db";
import type pg from "pg";
import { readHeartbeat } from "./heartbeat";
import type { Status } from "./schemas";

export interface StatusDeps {
  config: Config;
  pool: pg.Pool;
  runtime: CacheRuntime;
  version: string;
  startedAt: Date;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: string; ms: number }> {
  const start = performance.now();
  try {
    const value = await fn();
    return { value, ms: Math.round((performance.now() - start) * 100) / 100 };
  } catch (error) {
    return { error: (error as Error).message, ms: Math.round(performance.now() - start) };
  }
}

export async function readStatus(deps: StatusDeps, now = new Date()): Promise<Status> {
  const [db, redis, heartbeat] = await Promise.all([
    timed(() => pendingMigrations((sql) => deps.pool.query(sql), migrationsDir())),
    timed(() => deps.runtime.ping()),
    readHeartbeat(deps.runtime.cache).catch(() => undefined),
  ]);
  return {
    service: "reprotech",
    version: deps.version,
    time: now.toISOString(),
    uptimeSeconds: Math.floor((now.getTime() - deps.startedAt.getTime()) / 1000),
    mode: runtimeMode(deps.config),
    database: {
      ok: db.value !== undefined && db.value.length === 0,
      latencyMs: db.error ? null : db.ms,
      detail: db.error ? "database unreachable" : db.value!.length ? `${db.value!.length} pending migration(s)` : null,
      pendingMigrations: db.value ?? [],
    },
    redis: {
      ok: redis.value === true,
      latencyMs: redis.value === true ? redis.ms : null,
      detail: redis.value === true ? null : "redis unreachable",
    },
    worker: { lastHeartbeatAt: heartbeat?.at ?? null, workerId: heartbeat?.workerId ?? null },
  };
}

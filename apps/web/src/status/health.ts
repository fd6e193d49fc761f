// Reading a system.status answer: what is healthy, what needs attention.
import type { SystemStatus } from "../trpc";

export type Health = "ok" | "warn" | "fail";

/** The worker records a heartbeat every 10 s (kept for 60 s); older than this it is late. */
export const WORKER_LATE_AFTER_MS = 30_000;

export type WorkerState = "alive" | "late" | "missing";

export function workerState(lastHeartbeatAt: string | null, serverNow: number): WorkerState {
  if (!lastHeartbeatAt) return "missing";
  return serverNow - Date.parse(lastHeartbeatAt) > WORKER_LATE_AFTER_MS ? "late" : "alive";
}

export function databaseHealth(status: SystemStatus): Health {
  if (!status.database.ok) return "fail";
  return status.database.pendingMigrations.length > 0 ? "warn" : "ok";
}

export function redisHealth(status: SystemStatus): Health {
  return status.redis.ok ? "ok" : "fail";
}

export function workerHealth(state: WorkerState): Health {
  return state === "alive" ? "ok" : "warn";
}

/** Database and cache decide whether the service works; a missing worker only delays background jobs. */
export function overallHealth(status: SystemStatus, worker: WorkerState): Health {
  const parts = [databaseHealth(status), redisHealth(status), workerHealth(worker)];
  if (parts.includes("fail")) return "fail";
  return parts.includes("warn") ? "warn" : "ok";
}

/** One wording for the overall state wherever it shows (header, dashboard, status page). */
export const overallLabel: Record<Health, string> = { ok: "All systems OK", warn: "Needs attention", fail: "Degraded" };
export const UNREACHABLE_LABEL = "Server unreachable";

export const databaseModeLabel: Record<SystemStatus["mode"]["database"], string> = {
  postgres: "PostgreSQL",
  embedded: "Embedded (PGlite)",
};

export const redisModeLabel: Record<SystemStatus["mode"]["redis"], string> = {
  redis: "Redis",
  "in-process": "In-process",
};

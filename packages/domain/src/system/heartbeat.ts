// The worker records a heartbeat through its queue every few seconds; the status page shows it,
// proving that Redis, the queue and a worker process work together.
import { keys, type Cache } from "@reprotech/cache";

const HEARTBEAT_KEY = keys.global("system", "worker-heartbeat");
export const HEARTBEAT_EVERY_MS = 10_000;

export interface Heartbeat {
  workerId: string;
  at: string;
}

export async function recordHeartbeat(cache: Cache, workerId: string, now = new Date()): Promise<void> {
  await cache.set(
    HEARTBEAT_KEY,
    { workerId, at: now.toISOString() } satisfies Heartbeat,
    Math.ceil((HEARTBEAT_EVERY_MS * 6) / 1000),
  );
}

export async function readHeartbeat(cache: Cache): Promise<Heartbeat | undefined> {
  return cache.get<Heartbeat>(HEARTBEAT_KEY);
}

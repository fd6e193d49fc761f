// Which handler processes which queue. The worker process registers these on BullMQ; the embedded
// single-process mode registers the same handlers on the in-process queue.
import { heartbeatQueue, type CacheRuntime } from "@reprotech/cache";
import { HEARTBEAT_EVERY_MS, recordHeartbeat } from "./system/heartbeat";

export interface JobDeps {
  runtime: CacheRuntime;
  workerId: string;
  concurrency: number;
}

export async function registerJobProcessors(deps: JobDeps): Promise<void> {
  const { queues, cache } = deps.runtime;
  queues.process(heartbeatQueue, async () => recordHeartbeat(cache, deps.workerId), { concurrency: 1 });
  await queues.schedule(heartbeatQueue, HEARTBEAT_EVERY_MS, { scheduledBy: deps.workerId });
}

// The worker process: consumes the BullMQ queues defined in @reprotech/cache with the handlers
// registered in @reprotech/domain, on its own Redis connections. Without REDIS_URL there is no
// shared queue to consume; the server then runs the same handlers in-process.
import { hostname } from "node:os";
import { BullQueues, createCacheRuntime } from "@reprotech/cache";
import { loadConfigOrExit } from "@reprotech/core";
import { createPool, createPrisma } from "@reprotech/db";
import { genotypes, registerJobProcessors } from "@reprotech/domain";
import pino from "pino";

const config = loadConfigOrExit();
const log = pino({ name: "worker", level: config.LOG_LEVEL });
if (!config.REDIS_URL || !config.DATABASE_URL) {
  log.error(
    "REDIS_URL and DATABASE_URL must be set: the worker needs both (in embedded mode the server runs jobs itself)",
  );
  process.exit(1);
}

const workerId = `${hostname()}-${process.pid}`;
const runtime = createCacheRuntime(config, `worker-${process.pid}`);
const pool = createPool(config.DATABASE_URL, config);
pool.on("error", (error) => log.error({ err: error }, "idle database connection failed"));
const db = createPrisma(pool);
await registerJobProcessors({
  runtime,
  db,
  pool,
  log,
  workerId,
  concurrency: config.WORKER_CONCURRENCY,
  auditRetentionMonths: config.AUDIT_RETENTION_MONTHS,
  blobs: genotypes.blobStoreFromConfig(config),
  lostJobAfterSeconds: config.LOST_JOB_AFTER_SECONDS,
});
if (runtime.queues instanceof BullQueues) await runtime.queues.waitUntilReady();
log.info({ workerId, concurrency: config.WORKER_CONCURRENCY }, "worker ready: consuming queues");

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  log.info({ signal, deadlineMs: config.SHUTDOWN_TIMEOUT_MS }, "worker stopping: finishing active jobs");
  const force = setTimeout(() => {
    log.error("shutdown deadline passed");
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS + 2_000);
  force.unref();
  // Active jobs get the deadline to finish; unfinished ones are released for another worker to retry.
  await runtime.close(config.SHUTDOWN_TIMEOUT_MS);
  await db.$disconnect();
  await pool.end();
  log.info("worker stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

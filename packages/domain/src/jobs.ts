// Which handler processes which queue. The worker process registers these on BullMQ; the embedded
// single-process mode registers the same handlers on the in-process queue.
import { setTimeout as delay } from "node:timers/promises";
import {
  auditMaintenanceQueue,
  gbvScoreQueue,
  genotypeIngestQueue,
  genotypeReadAheadQueue,
  heartbeatQueue,
  lostJobRecoveryQueue,
  type CacheRuntime,
} from "@reprotech/cache";
import type { Logger } from "@reprotech/core";
import type { PrismaClient } from "@reprotech/db";
import type pg from "pg";
import { AUDIT_MAINTENANCE_EVERY_MS, maintainAuditPartitions } from "./audit/maintenance";
import { FileBlobStore, type BlobStore } from "./genotypes/blob-store";
import { scoreModelsBatch, scoreUpload } from "./gbv/scoring";
import { registerTrainingJob } from "./gbv/training-job";
import { prestartParseThread } from "./genotypes/parse-thread";
import { ingestWithProgress } from "./genotypes/progress";
import { readAheadUpload } from "./genotypes/read-ahead";
import { HEARTBEAT_EVERY_MS, recordHeartbeat } from "./system/heartbeat";
import { LOST_JOB_CHECK_EVERY_MS, recoverLostJobs } from "./system/lost-jobs";

export interface JobDeps {
  runtime: CacheRuntime;
  db: PrismaClient;
  /** The pool under `db`: streaming reads Prisma cannot do (COPY of packed genotypes). */
  pool: pg.Pool;
  log: Logger;
  workerId: string;
  concurrency: number;
  auditRetentionMonths: number;
  /** Where raw genotype files (and later model artefacts) live: blobStoreFromConfig(config). */
  blobs: BlobStore;
  /** LOST_JOB_AFTER_SECONDS; unset or 0: lost jobs are not looked for (tests share one database). */
  lostJobAfterSeconds?: number | undefined;
  /**
   * The embedded PGlite: every connection shares its one session, so transactions never run side by
   * side, and a connection opened while another's transaction is open waits for it (past the pool's
   * connect timeout, for a long one). Jobs then run their transactions one at a time.
   */
  singleSessionDatabase?: boolean;
}

/** How often an ingest looks whether the read-ahead of its upload is still running. */
const READ_AHEAD_POLL_MS = 5;

export async function registerJobProcessors(deps: JobDeps): Promise<void> {
  const { queues, cache } = deps.runtime;
  queues.process(heartbeatQueue, async () => recordHeartbeat(cache, deps.workerId), { concurrency: 1 });
  queues.process(
    auditMaintenanceQueue,
    async ({ retentionMonths }) => {
      const result = await maintainAuditPartitions(deps.db, retentionMonths);
      if (result.created || result.dropped.length) deps.log.info(result, "audit partitions maintained");
    },
    { concurrency: 1 },
  );
  const { blobs } = deps;
  // A genotype file's first parse then finds a thread started (parse-thread.ts).
  prestartParseThread();
  if (blobs instanceof FileBlobStore)
    // One at a time per process: a read-ahead holds a parse thread for as long as its upload takes.
    queues.process(
      genotypeReadAheadQueue,
      async (payload) => {
        const outcome = await readAheadUpload(deps.db, blobs, payload, { cache, pubsub: deps.runtime.pubsub });
        deps.log.info({ ...payload, ...outcome }, "genotype upload read ahead");
      },
      { concurrency: 1 },
    );
  queues.process(
    genotypeIngestQueue,
    async (payload) => {
      // The read-ahead job may be parsing this very upload as it arrived, and ingests it then:
      // wait for it rather than parse the file a second time alongside it.
      while ((await queues.state(genotypeReadAheadQueue, payload.uploadId)) === "active")
        await delay(READ_AHEAD_POLL_MS);
      // Progress (bytes read, phase, final per-sample state) on the upload's tenant channel.
      const outcome = await ingestWithProgress(deps.db, blobs, payload, { cache, pubsub: deps.runtime.pubsub });
      deps.log.info({ ...payload, ...outcome }, "genotype upload ingested");
      // The new genotypes' GBVs, at once, with the published models of the panel. A completed ingest
      // is "skipped" when the job is retried (say the worker died right after the ingest committed):
      // scoring then runs again, idempotently, so no stored genotype is left unscored.
      if (outcome.status !== "failed") {
        const scored = await scoreUpload(deps, payload, { cache });
        if (scored.models) deps.log.info({ ...payload, ...scored }, "new genotypes scored");
      }
    },
    { concurrency: deps.concurrency },
  );
  queues.process(
    gbvScoreQueue,
    async ({ modelIds }, job) => {
      const phases = { readMs: 0, scoreMs: 0, writeMs: 0, percentilesMs: 0 };
      const outcome = await scoreModelsBatch(deps, modelIds, {
        cache,
        phases,
        ...(deps.singleSessionDatabase ? { loadLanes: 1 } : {}),
        onProgress: (genotypesDone) => job.reportProgress({ genotypesDone }),
      });
      deps.log.info({ modelIds, ...outcome, phases }, "GBV models scored");
    },
    { concurrency: 1 },
  );
  const lostAfter = deps.lostJobAfterSeconds ?? 0;
  if (lostAfter > 0)
    queues.process(
      lostJobRecoveryQueue,
      async () => {
        const lost = await recoverLostJobs(
          { db: deps.db, queues, pubsub: deps.runtime.pubsub, cache: deps.runtime.cache },
          lostAfter,
        );
        if (lost.uploads || lost.models || lost.trainings) deps.log.warn(lost, "recovered jobs that were lost");
      },
      { concurrency: 1 },
    );
  registerTrainingJob(deps);
  await queues.schedule(heartbeatQueue, HEARTBEAT_EVERY_MS, { scheduledBy: deps.workerId });
  if (lostAfter > 0)
    await queues.schedule(lostJobRecoveryQueue, LOST_JOB_CHECK_EVERY_MS, { scheduledBy: deps.workerId });
  await queues.schedule(auditMaintenanceQueue, AUDIT_MAINTENANCE_EVERY_MS, {
    retentionMonths: deps.auditRetentionMonths,
  });
}

// Every queue in the system, shared by the server (producer) and the worker (consumer).
import { defineQueue } from "./queues";

/** The worker's liveness beat: proves Redis, the queue and a worker process all work end to end. */
export const heartbeatQueue = defineQueue<{ scheduledBy: string }>("system-heartbeat", { attempts: 1 });

/** Daily audit-log upkeep: create the coming months' partitions, drop those past retention. */
export const auditMaintenanceQueue = defineQueue<{ retentionMonths: number }>("audit-maintenance", {
  attempts: 5,
  backoffMs: 60_000,
});

/**
 * Parse a stored genotype upload, match its samples to animals, QC and store packed genotypes. jobId = upload id.
 * A 15 s lock: a worker killed mid-ingest has its job picked up again within about 30 s (the ingest writes in
 * one transaction, so the retry starts clean).
 */
export const genotypeIngestQueue = defineQueue<{ uploadId: string; customerId: string }>("genotype-ingest", {
  attempts: 3,
  backoffMs: 30_000,
  lockMs: 15_000,
});

/**
 * Parse a genotype upload while its body still arrives, and ingest it once it is recorded (domain
 * genotypes/read-ahead.ts). jobId = the upload id, chosen before the body is read. One attempt:
 * what it leaves undone, the genotype-ingest job does.
 */
export const genotypeReadAheadQueue = defineQueue<{
  uploadId: string;
  customerId: string;
  panelId: string;
  spoolKey: string;
}>("genotype-read-ahead", { attempts: 1, lockMs: 15_000 });

/**
 * Score every current genotype on the models' panel with published GBV models (all tenants), then
 * recompute the traits' percentiles. Enqueued when a model is published; jobId = the model id, so a
 * repeated enqueue never scores twice at once, and a re-run is idempotent (one prediction per model
 * and genotype).
 */
export const gbvScoreQueue = defineQueue<{ modelIds: string[] }>("gbv-score", {
  attempts: 5,
  backoffMs: 10_000,
});

/**
 * Train a GBV model (SNP-BLUP + k-fold CV) from a phenotype set; jobId = model id. One attempt: a
 * training that fails marks its model 'failed' with the reason (a re-run is a new model). The solves
 * run in a worker thread, so the lock keeps being renewed; a killed worker's job (model still
 * 'training') is picked up again about a minute later and trains from the start.
 */
export const gbvTrainQueue = defineQueue<{ modelId: string; customerIds: string[] | "all" }>("gbv-train", {
  attempts: 1,
  lockMs: 60_000,
});

/**
 * Re-adds the jobs whose enqueue was lost: uploads and published models commit first and enqueue
 * after COMMIT, so a Redis outage at that moment leaves a row with no job. Scheduled every minute;
 * re-adding under the same jobId is a no-op for a job that exists. A training whose job is gone or
 * failed is marked failed instead (domain system/lost-jobs.ts).
 */
export const lostJobRecoveryQueue = defineQueue<{ scheduledBy: string }>("lost-job-recovery", { attempts: 1 });

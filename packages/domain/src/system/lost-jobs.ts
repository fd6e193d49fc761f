// Jobs whose enqueue was lost. Uploads (genotypes.upload) and model publications (gbv.models.publish)
// commit their row first and enqueue after COMMIT, so the job always finds what it works on — but a
// Redis that is down at that moment leaves an upload 'queued' or a published model unscored with no
// job to move it (and the embedded in-process queue forgets its jobs when the server restarts).
// Every minute this re-adds their jobs under the same jobIds the producers use
// (upload id, model id): for a job that still exists (waiting, running, kept after it finished) the
// add is a no-op, so a busy queue is left as it is.
// A training (gbv.training.start) cannot be re-added: its job carries the caller's farm scope, which
// is not stored. A model still 'training' whose job the queue no longer holds (never added, or lost
// with the embedded queue) or holds as failed (a worker that died in it twice; the job takes one
// attempt) is marked 'failed' with a message saying to start again — it would otherwise show
// "queued" for ever.
import {
  gbvScoreQueue,
  gbvTrainQueue,
  genotypeIngestQueue,
  type Cache,
  type PubSub,
  type Queues,
} from "@reprotech/cache";
import { withSystem, type PrismaClient } from "@reprotech/db";
import { query } from "../animals/sql";
import { publishTrainingProgress, readTrainingState, type TrainingProgress } from "../gbv/training-progress";

export const LOST_JOB_CHECK_EVERY_MS = 60_000;
/** At most this many of each per round; the next round takes the rest. */
const BATCH = 500;

export interface LostJobs {
  uploads: number;
  models: number;
  /** Trainings marked failed. */
  trainings: number;
}

export const LOST_TRAINING_MESSAGE = {
  missing:
    "The training job was lost before it finished (the job queue was unavailable or restarted); start the training again.",
  failed:
    "The training job failed without recording its outcome (its worker stopped or lost its connections); start the training again.",
} as const;

/** `afterSeconds` (LOST_JOB_AFTER_SECONDS): how long a row waits for its job's first move before it counts as lost. */
export async function recoverLostJobs(
  deps: { db: PrismaClient; queues: Queues; pubsub: PubSub; cache: Cache },
  afterSeconds: number,
): Promise<LostJobs> {
  const { db, queues } = deps;
  const { uploads, models, trainings } = await withSystem(db, async (tx) => ({
    // Still 'queued': the ingest marks an upload 'processing' as it starts.
    uploads: await query<{ id: string; customerId: string }>(
      tx,
      `SELECT id::text AS id, customer_id::text AS "customerId" FROM genotype_uploads
       WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [afterSeconds, BATCH],
    ),
    // Published, with genotypes on its panel to score, and not one prediction yet.
    models: await query<{ id: string }>(
      tx,
      `SELECT m.id::text AS id FROM gbv_models m
       WHERE m.status = 'published' AND m.published_at < now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM gbv_predictions p WHERE p.model_id = m.id)
         AND EXISTS (SELECT 1 FROM genotypes g WHERE g.panel_id = m.panel_id AND g.is_current)
       ORDER BY m.published_at LIMIT $2`,
      [afterSeconds, BATCH],
    ),
    // Started a while ago (the job is added right after the row's COMMIT) and still training.
    trainings: await query<{ id: string }>(
      tx,
      `SELECT id::text AS id FROM gbv_models
       WHERE status = 'training' AND updated_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [afterSeconds, BATCH],
    ),
  }));
  for (const u of uploads)
    await queues.add(genotypeIngestQueue, { uploadId: u.id, customerId: u.customerId }, { jobId: u.id });
  for (const m of models) await queues.add(gbvScoreQueue, { modelIds: [m.id] }, { jobId: m.id });
  let failedTrainings = 0;
  for (const m of trainings) {
    const state = await queues.state(gbvTrainQueue, m.id);
    if (state !== null && state !== "failed") continue; // waiting behind another training, or running
    const message = state === null ? LOST_TRAINING_MESSAGE.missing : LOST_TRAINING_MESSAGE.failed;
    // Only if still 'training': a job that finished in between keeps its outcome.
    const final = await withSystem(db, async (tx): Promise<TrainingProgress | undefined> => {
      const marked = await query(
        tx,
        `UPDATE gbv_models SET status = 'failed', training_error = $2, updated_at = now()
         WHERE id = $1::uuid AND status = 'training' RETURNING id`,
        [m.id, message],
      );
      return marked.length ? readTrainingState(tx, m.id) : undefined;
    });
    if (!final) continue;
    failedTrainings++;
    // Anyone watching the training's progress sees it end.
    await publishTrainingProgress(deps, final);
  }
  return { uploads: uploads.length, models: models.length, trainings: failedTrainings };
}

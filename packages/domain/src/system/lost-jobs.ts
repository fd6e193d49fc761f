// Jobs whose enqueue was lost. Uploads (genotypes.upload) and model publications (gbv.models.publish)
// commit their row first and enqueue after COMMIT, so the job always finds what it works on — but a
// Redis that is down at that moment leaves an upload 'queued' or a published model unscored with no
// job to move it (and the embedded in-process queue forgets its jobs when the server restarts).
// Every minute this re-adds their jobs under the same jobIds the producers use
// (upload id, model id): for a job that still exists (waiting, running, kept after it finished) the
// add is a no-op, so a busy queue is left as it is.
import { gbvScoreQueue, genotypeIngestQueue, type Queues } from "@reprotech/cache";
import { withSystem, type PrismaClient } from "@reprotech/db";
import { query } from "../animals/sql";

export const LOST_JOB_CHECK_EVERY_MS = 60_000;
/** At most this many of each per round; the next round takes the rest. */
const BATCH = 500;

export interface LostJobs {
  uploads: number;
  models: number;
}

/** `afterSeconds` (LOST_JOB_AFTER_SECONDS): how long a row waits for its job's first move before it counts as lost. */
export async function recoverLostJobs(db: PrismaClient, queues: Queues, afterSeconds: number): Promise<LostJobs> {
  const { uploads, models } = await withSystem(db, async (tx) => ({
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
  }));
  for (const u of uploads)
    await queues.add(genotypeIngestQueue, { uploadId: u.id, customerId: u.customerId }, { jobId: u.id });
  for (const m of models) await queues.add(gbvScoreQueue, { modelIds: [m.id] }, { jobId: m.id });
  return { uploads: uploads.length, models: models.length };
}

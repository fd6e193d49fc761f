// Jobs whose enqueue was lost (system/lost-jobs.ts). An upload left 'queued' and a published model with
// genotypes on its panel but no prediction, both older than the threshold, get their jobs again —
// on real BullMQ queues, under the producers' jobIds, so a second round adds nothing; fresh rows, a
// model whose panel has no genotype, and a model that has predictions are left alone. A training whose
// job is gone or failed ends 'failed' with its message and a final progress event; one whose job runs,
// and a fresh one, stay 'training'. (Animals stay:
// the shared database's other files never look at them.) The handlers
// only record what reaches them: the database is shared with other test files, so this file's queue
// must not ingest or score their rows.
import { randomUUID } from "node:crypto";
import { gbvScoreQueue, gbvTrainQueue, genotypeIngestQueue } from "@reprotech/cache";
import { withSystem } from "@reprotech/db";
import { gbv, LOST_TRAINING_MESSAGE, recoverLostJobs } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, type World } from "../support/identity";

let world: World;
const ingested: string[] = [];
const scored: string[] = [];

// Test files run one at a time on a fresh database, and the recovery sees every row: the upload and
// scoring tests would also fail another file's training left 'training' over 120 s (none is); the
// training test uses a 12 h threshold anyway.
const AFTER_SECONDS = 120;
const stale = `now() - make_interval(secs => ${AFTER_SECONDS + 60})`;

async function insertPanel(): Promise<string> {
  const id = randomUUID();
  await world.owner.query(
    `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
     VALUES ($1, $2, '1', 4, '\\x00', $3, 'map')`,
    [id, `Lost jobs ${id.slice(0, 8)}`, "0".repeat(64)],
  );
  panels.push(id);
  return id;
}

async function insertUpload(panelId: string, updatedAt: string): Promise<string> {
  const id = randomUUID();
  await world.owner.query(
    `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, updated_at)
     VALUES ($1, $2, 'plate.txt', 10, $3, $4, 'final_report', $5, ${updatedAt})`,
    [
      id,
      world.customerA,
      randomUUID().replace(/-/g, "").padEnd(64, "0"),
      `raw-snp-files/customer-${world.customerA}/${id}`,
      panelId,
    ],
  );
  return id;
}

const panels: string[] = [];

/** A current genotype on the panel (an animal and a completed upload to hang it on). */
async function insertGenotype(panelId: string): Promise<{ genotypeId: string; animalId: string }> {
  const animalId = randomUUID();
  await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
     VALUES ($1, $2, $3, 'HO', 'female', '2020-01-01', now())`,
    [animalId, world.customerA, `DE276${String(Math.floor(Math.random() * 1e12)).padStart(12, "0")}`],
  );
  const uploadId = await insertUpload(panelId, "now()");
  await world.owner.query(`UPDATE genotype_uploads SET status = 'completed' WHERE id = $1`, [uploadId]);
  const genotypeId = randomUUID();
  await world.owner.query(
    `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status)
     VALUES ($5, $1, $2, $3, $4, '\\x00', 1, 0.3, 'pass')`,
    [world.customerA, animalId, panelId, uploadId, genotypeId],
  );
  return { genotypeId, animalId };
}

async function insertPublishedModel(panelId: string, publishedAt: string): Promise<string> {
  const id = randomUUID();
  const trait = await world.owner.query<{ id: string }>(`SELECT id FROM gbv_traits WHERE code = 'fertility'`);
  await world.owner.query(
    `INSERT INTO gbv_models (id, trait_id, panel_id, version, status, source, published_slot, snp_count, effects,
       allele_freqs, provenance, published_at, updated_at)
     VALUES ($1, $2, $3, 1, 'published', 'imported', $4, 0, '\\x', '\\x', '{}', ${publishedAt}, now())`,
    [id, trait.rows[0]!.id, panelId, `${trait.rows[0]!.id}:${panelId}`],
  );
  return id;
}

/** A trained model still 'training', last touched `updatedAt`. */
async function insertTraining(panelId: string, version: number, updatedAt: string): Promise<string> {
  const id = randomUUID();
  await world.owner.query(
    `INSERT INTO gbv_models (id, trait_id, panel_id, version, status, source, snp_count, effects, allele_freqs,
       provenance, updated_at)
     SELECT $1, t.id, $2, $3, 'training', 'trained', 0, '\\x', '\\x', '{"folds": 3}', ${updatedAt}
       FROM gbv_traits t WHERE t.code = 'longevity'`,
    [id, panelId, version],
  );
  return id;
}

const statusOf = async (modelId: string) =>
  (
    await world.owner.query<{ status: string; error: string | null }>(
      `SELECT status::text AS status, training_error AS error FROM gbv_models WHERE id = $1`,
      [modelId],
    )
  ).rows[0]!;

/** Waits until the handlers have seen what the queue holds (BullMQ delivers within milliseconds). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

const recoveryDeps = () => {
  const { queues, pubsub, cache } = world.deps.runtime;
  return { db: world.deps.db, queues, pubsub, cache };
};

// Training jobs: one fails as a worker dying in it would leave it, one runs until the file ends.
const failingTrainings = new Set<string>();
let releaseRunning: () => void = () => {};
const running = new Promise<void>((resolve) => (releaseRunning = resolve));

beforeAll(async () => {
  world = await createWorld({ REDIS_KEY_PREFIX: `test:lost-jobs-${process.pid}-${Date.now()}:` });
  const { queues } = world.deps.runtime;
  queues.process(genotypeIngestQueue, async ({ uploadId }) => void ingested.push(uploadId), { concurrency: 1 });
  queues.process(gbvScoreQueue, async ({ modelIds }) => void scored.push(...modelIds), { concurrency: 1 });
  queues.process(
    gbvTrainQueue,
    async ({ modelId }) => {
      if (failingTrainings.has(modelId)) throw new Error("job stalled more than allowable limit");
      await running;
    },
    { concurrency: 2 },
  );
});
afterAll(async () => {
  releaseRunning();
  // Nothing of this file's made-up rows stays for other files to meet.
  for (const sql of [
    `DELETE FROM gbv_predictions WHERE model_id IN (SELECT id FROM gbv_models WHERE panel_id = ANY($1::uuid[]))`,
    `DELETE FROM gbv_models WHERE panel_id = ANY($1::uuid[])`,
    `DELETE FROM genotypes WHERE panel_id = ANY($1::uuid[])`,
    `DELETE FROM genotype_uploads WHERE panel_id = ANY($1::uuid[])`,
    `DELETE FROM snp_panels WHERE id = ANY($1::uuid[])`,
  ])
    await world.owner.query(sql, [panels]);
  await world.close();
});

describe("recoverLostJobs", () => {
  it("re-adds a stale queued upload once, under its id; leaves a fresh one", async () => {
    const panelId = await insertPanel();
    const lost = await insertUpload(panelId, stale);
    const fresh = await insertUpload(panelId, "now()");
    const first = await recoverLostJobs(recoveryDeps(), AFTER_SECONDS);
    expect(first.uploads).toBeGreaterThanOrEqual(1);
    await settle();
    expect(ingested.filter((id) => id === lost)).toHaveLength(1);
    expect(ingested).not.toContain(fresh);
    // Again: the job under that id exists (finished and kept), so nothing runs twice.
    await recoverLostJobs(recoveryDeps(), AFTER_SECONDS);
    await settle();
    expect(ingested.filter((id) => id === lost)).toHaveLength(1);
  });

  it("re-adds the scoring of a published model that has genotypes to score and no prediction", async () => {
    const withGenotypes = await insertPanel();
    await insertGenotype(withGenotypes);
    const lost = await insertPublishedModel(withGenotypes, stale);
    const empty = await insertPanel(); // nothing to score
    const nothingToScore = await insertPublishedModel(empty, stale);
    const fresh = await insertPanel();
    await insertGenotype(fresh);
    const justPublished = await insertPublishedModel(fresh, "now()");
    const scoredPanel = await insertPanel();
    const g = await insertGenotype(scoredPanel);
    const alreadyScored = await insertPublishedModel(scoredPanel, stale);
    await world.owner.query(`SELECT gbv_predictions_stage($1)`, [alreadyScored]);
    await world.owner.query(`SELECT gbv_predictions_attach($1)`, [alreadyScored]);
    await world.owner.query(
      `INSERT INTO gbv_predictions (customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability)
       SELECT $1, $2, m.trait_id, m.id, $3, 1.5, 0.4 FROM gbv_models m WHERE m.id = $4`,
      [world.customerA, g.animalId, g.genotypeId, alreadyScored],
    );
    const round = await recoverLostJobs(recoveryDeps(), AFTER_SECONDS);
    expect(round.models).toBeGreaterThanOrEqual(1);
    await settle();
    expect(scored.filter((id) => id === lost)).toHaveLength(1);
    expect(scored).not.toContain(nothingToScore);
    expect(scored).not.toContain(justPublished);
    expect(scored).not.toContain(alreadyScored);
  });

  it("fails a training whose job is gone or failed, and tells its watchers; leaves a running and a fresh one", async () => {
    // Rows a day old and a 12 h threshold: the shared database's other trainings are all younger.
    const HALF_DAY = 12 * 3600;
    const dayOld = `now() - interval '1 day'`;
    const panelId = await insertPanel();
    const gone = await insertTraining(panelId, 1, dayOld);
    const failed = await insertTraining(panelId, 2, dayOld);
    const runningId = await insertTraining(panelId, 3, dayOld);
    const fresh = await insertTraining(panelId, 4, "now()");
    const { queues, pubsub } = world.deps.runtime;
    failingTrainings.add(failed);
    await queues.add(gbvTrainQueue, { modelId: failed, customerIds: "all" }, { jobId: failed });
    await queues.add(gbvTrainQueue, { modelId: runningId, customerIds: "all" }, { jobId: runningId });
    await settle();
    expect(await queues.state(gbvTrainQueue, failed)).toBe("failed");
    expect(await queues.state(gbvTrainQueue, runningId)).toBe("active");
    expect(await queues.state(gbvTrainQueue, gone)).toBeNull();

    const events: gbv.TrainingProgress[] = [];
    const unsubscribe = await pubsub.subscribe(
      gbv.trainingChannel(gone),
      (m) => void events.push(m as gbv.TrainingProgress),
    );
    const round = await recoverLostJobs(recoveryDeps(), HALF_DAY);
    expect(round.trainings).toBe(2);
    expect(await statusOf(gone)).toEqual({ status: "failed", error: LOST_TRAINING_MESSAGE.missing });
    expect(await statusOf(failed)).toEqual({ status: "failed", error: LOST_TRAINING_MESSAGE.failed });
    expect(await statusOf(runningId)).toEqual({ status: "training", error: null });
    expect(await statusOf(fresh)).toEqual({ status: "training", error: null });
    await settle();
    await unsubscribe();
    expect(events).toEqual([
      expect.objectContaining({ modelId: gone, phase: "failed", errorMessage: LOST_TRAINING_MESSAGE.missing }),
    ]);
    // The final event is also the cached latest one, which a subscriber that last saw "queued" reads.
    const row = await withSystem(world.deps.db, (tx) => gbv.readTrainingState(tx, gone));
    expect(row).toMatchObject({ phase: "failed", errorMessage: LOST_TRAINING_MESSAGE.missing });
    const queued: gbv.TrainingProgress = { ...row!, phase: "queued", step: 0, errorMessage: null };
    expect(await gbv.currentTrainingProgress(world.deps.runtime.cache, queued)).toEqual(row);

    // A second round finds nothing more to do.
    expect((await recoverLostJobs(recoveryDeps(), HALF_DAY)).trainings).toBe(0);
  });
});

// Live progress of a training job (gbv.training.progress). The gbv-train job publishes on the global
// channel keys.global("gbv", "training", modelId) through the runtime's pub/sub (Redis between
// processes) and keeps the latest event in the cache for late subscribers — the genotype upload
// progress pattern (genotypes/progress.ts). Models are catalogue rows, so the channel is global: the
// subscription is for gbv.train holders, and an event carries no animal or farm data.
import { keys, type Cache, type PubSub } from "@reprotech/cache";
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";

export type TrainingPhase = "queued" | "loading" | "cross-validation" | "training" | "storing" | "completed" | "failed";

export interface TrainingProgress {
  modelId: string;
  phase: TrainingPhase;
  /** Grows with every event of a run: 0 queued, 1 loading, 2…k+1 the CV folds, then training, storing, final. */
  step: number;
  /** Steps of the whole run (known once the fold count is). */
  totalSteps: number;
  /** The CV fold being trained (1-based) during cross-validation. */
  fold: number | null;
  folds: number;
  /** Records used (after loading). */
  records: number | null;
  /** Conjugate-gradient iterations of the last finished solve. */
  iterations: number | null;
  errorMessage: string | null;
}

const LATEST_TTL_SECONDS = 24 * 3600;

export const isFinalTrainingPhase = (phase: TrainingPhase) => phase === "completed" || phase === "failed";

export function trainingChannel(modelId: string): string {
  return keys.global("gbv", "training", modelId);
}
const latestKey = (modelId: string) => keys.global("gbv", "training", modelId, "latest");

/** True when `next` moves on from `previous`. */
export function isTrainingProgress(previous: TrainingProgress | undefined, next: TrainingProgress): boolean {
  return !previous || next.step > previous.step;
}

/** Steps of a run with k folds: queued, loading, k folds, training, storing, final. */
export const totalTrainingSteps = (folds: number) => folds + 5;

/** The state from the model row: queued while training (the job's cached event is further on), else final. */
export async function readTrainingState(tx: Tx, modelId: string): Promise<TrainingProgress | undefined> {
  const [row] = await query<{
    status: string;
    error: string | null;
    training: Record<string, unknown> | null;
    folds: number | null;
  }>(
    tx,
    `SELECT status::text AS status, training_error AS error, training,
            (provenance->>'folds')::int AS folds
       FROM gbv_models WHERE id = $1::uuid AND source = 'trained'`,
    [modelId],
  );
  if (!row) return undefined;
  const folds = row.folds ?? 0;
  const total = totalTrainingSteps(folds);
  const base = { modelId, folds, totalSteps: total, fold: null, errorMessage: null };
  if (row.status === "training") return { ...base, phase: "queued", step: 0, records: null, iterations: null };
  if (row.status === "failed")
    return { ...base, phase: "failed", step: total - 1, records: null, iterations: null, errorMessage: row.error };
  const t = row.training ?? {};
  return {
    ...base,
    phase: "completed",
    step: total - 1,
    records: typeof t.nTraining === "number" ? t.nTraining : null,
    iterations: typeof t.iterations === "number" ? t.iterations : null,
  };
}

export async function currentTrainingProgress(
  cache: Cache,
  fromRow: TrainingProgress | undefined,
): Promise<TrainingProgress | undefined> {
  if (!fromRow || isFinalTrainingPhase(fromRow.phase)) return fromRow;
  const latest = await cache.get<TrainingProgress>(latestKey(fromRow.modelId)).catch(() => undefined);
  return latest && isTrainingProgress(fromRow, latest) ? latest : fromRow;
}

/** Publishes one event to subscribers and late readers (best effort: a lost event never fails the caller). */
export async function publishTrainingProgress(
  deps: { pubsub: PubSub; cache: Cache },
  progress: TrainingProgress,
): Promise<void> {
  await Promise.all([
    deps.pubsub.publish(trainingChannel(progress.modelId), progress),
    deps.cache.set(latestKey(progress.modelId), progress, LATEST_TTL_SECONDS),
  ]).catch(() => {});
}

/** Publishes a run's progress, a step further with every report. */
export function trainingReporter(deps: { pubsub: PubSub; cache: Cache }, base: TrainingProgress) {
  let state = base;
  return {
    get state() {
      return state;
    },
    async report(update: Partial<TrainingProgress>): Promise<void> {
      state = { ...state, ...update, step: state.step + 1 };
      await publishTrainingProgress(deps, state);
    },
  };
}

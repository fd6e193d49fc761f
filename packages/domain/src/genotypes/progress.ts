// Live progress of a genotype upload's processing. The ingest job publishes on the tenant channel
// keys.tenant(customerId, "genotypes", "upload", uploadId) through the runtime's pub/sub (Redis between
// processes), and keeps the latest event in the cache so a late subscriber starts from it. The
// subscription (genotypes.uploads.progress) answers with the current state first — from the upload
// row, or the cached event while it is processing — then the live events until completed/failed.
import { keys, type Cache, type PubSub } from "@reprotech/cache";
import { withTenant, type PrismaClient, type Tx } from "@reprotech/db";
import { query } from "../animals/sql";
import type { BlobStore } from "./blob-store";
import { ingestUpload, type IngestOutcome, type ParsedUpload } from "./ingest";

export type UploadPhase = "queued" | "reading" | "storing" | "completed" | "failed";

export interface SampleSummary {
  sampleId: string;
  animalId: string | null;
  outcome: string;
  callRate: number | null;
}

export interface UploadProgress {
  uploadId: string;
  customerId: string;
  phase: UploadPhase;
  /** Bytes of the stored file read by the job so far, of totalBytes. */
  bytesRead: number;
  totalBytes: number;
  /** Samples processed so far (all of them once completed). */
  samplesDone: number;
  sampleCount: number | null;
  matchedCount: number | null;
  storedCount: number | null;
  errorMessage: string | null;
  /** Per-sample results, on the completed state only (at most SAMPLE_SUMMARY_LIMIT). */
  samples?: SampleSummary[];
}

export const SAMPLE_SUMMARY_LIMIT = 5000;
/** How long the latest event stays in the cache. */
const LATEST_TTL_SECONDS = 24 * 3600;
/** Reading progress is published at most this often. */
const THROTTLE_MS = 200;

const RANK: Record<UploadPhase, number> = { queued: 0, reading: 1, storing: 2, completed: 3, failed: 3 };

export const isFinalPhase = (phase: UploadPhase) => phase === "completed" || phase === "failed";

/** True when `next` moves on from `previous` (later phase, or more of the same phase). */
export function isProgress(previous: UploadProgress | undefined, next: UploadProgress): boolean {
  if (!previous) return true;
  if (RANK[next.phase] !== RANK[previous.phase]) return RANK[next.phase] > RANK[previous.phase];
  return next.bytesRead >= previous.bytesRead && next.samplesDone >= previous.samplesDone;
}

export function progressChannel(customerId: string, uploadId: string): string {
  return keys.tenant(customerId, "genotypes", "upload", uploadId);
}

const latestKey = (customerId: string, uploadId: string) =>
  keys.tenant(customerId, "genotypes", "upload", uploadId, "latest");

interface UploadStateRow {
  id: string;
  customerId: string;
  status: "queued" | "processing" | "completed" | "failed";
  byteSize: number;
  errorMessage: string | null;
  sampleCount: number | null;
  matchedCount: number | null;
  storedCount: number | null;
}

/** The upload's state from its row (RLS: undefined when the caller's scope does not see it). */
export async function readUploadProgress(tx: Tx, customerId: string, uploadId: string) {
  const [row] = await query<UploadStateRow>(
    tx,
    `SELECT u.id::text AS id, u.customer_id::text AS "customerId", u.status::text AS status,
            u.byte_size::float8 AS "byteSize", u.error_message AS "errorMessage", u.sample_count AS "sampleCount",
            u.matched_count AS "matchedCount", u.stored_count AS "storedCount"
     FROM genotype_uploads u WHERE u.id = $1::uuid AND u.customer_id = $2::uuid`,
    [uploadId, customerId],
  );
  if (!row) return undefined;
  const done = row.status === "completed" || row.status === "failed";
  const state: UploadProgress = {
    uploadId: row.id,
    customerId: row.customerId,
    phase: row.status === "processing" ? "reading" : row.status,
    bytesRead: done ? row.byteSize : 0,
    totalBytes: row.byteSize,
    samplesDone: row.status === "completed" ? (row.sampleCount ?? 0) : 0,
    sampleCount: row.sampleCount,
    matchedCount: row.matchedCount,
    storedCount: row.storedCount,
    errorMessage: row.errorMessage,
  };
  if (row.status === "completed")
    state.samples = await query<SampleSummary>(
      tx,
      `SELECT sample_id AS "sampleId", animal_id::text AS "animalId", outcome::text AS outcome,
              call_rate::float8 AS "callRate"
       FROM genotype_sample_results WHERE upload_id = $1::uuid ORDER BY sample_id LIMIT $2`,
      [uploadId, SAMPLE_SUMMARY_LIMIT],
    );
  return state;
}

/** The state a new subscriber starts from: the row, or the cached live event while it is further on. */
export async function currentUploadProgress(
  db: PrismaClient,
  cache: Cache,
  scope: { customerIds: string[]; userId: string | null },
  customerId: string,
  uploadId: string,
): Promise<UploadProgress | undefined> {
  const fromRow = await withTenant(db, scope, (tx) => readUploadProgress(tx, customerId, uploadId));
  if (!fromRow || isFinalPhase(fromRow.phase)) return fromRow;
  const latest = await cache.get<UploadProgress>(latestKey(customerId, uploadId)).catch(() => undefined);
  return latest && isProgress(fromRow, latest) ? latest : fromRow;
}

export interface ProgressDeps {
  pubsub: PubSub;
  cache: Cache;
}

/** Publishes an upload's progress; throttles same-phase updates, never drops a phase change. */
export function progressReporter(deps: ProgressDeps, base: UploadProgress) {
  let state = base;
  let lastSent = 0;
  let lastPhase: UploadPhase | undefined;
  const channel = progressChannel(base.customerId, base.uploadId);
  const send = async () => {
    lastSent = Date.now();
    lastPhase = state.phase;
    await Promise.all([
      deps.pubsub.publish(channel, state),
      deps.cache.set(latestKey(base.customerId, base.uploadId), state, LATEST_TTL_SECONDS),
    ]).catch(() => {}); // progress is best effort: it never fails the job
  };
  return {
    get state() {
      return state;
    },
    /** The hook the ingest calls: merges `update` into the state and publishes it. */
    async reportProgress(update: Partial<UploadProgress>, force = false): Promise<void> {
      state = { ...state, ...update };
      if (force || state.phase !== lastPhase || Date.now() - lastSent >= THROTTLE_MS) await send();
    },
  };
}

/**
 * The genotype-ingest job with progress: publishes "reading" with the bytes the parser consumed,
 * "storing" with the samples written so far (after each batch), and the final state (with
 * per-sample results) after the ingest committed or failed. Phases only move forward (isProgress).
 */
export async function ingestWithProgress(
  db: PrismaClient,
  store: BlobStore,
  payload: { uploadId: string; customerId: string },
  deps: ProgressDeps,
  parsed?: ParsedUpload,
): Promise<IngestOutcome> {
  const scope = { customerIds: [payload.customerId], userId: null };
  const initial = await withTenant(db, scope, (tx) => readUploadProgress(tx, payload.customerId, payload.uploadId));
  // No row: ingestUpload reports NOT_FOUND itself. Completed already (by the read-ahead job, or a
  // run that died after its COMMIT): it answers "skipped", and subscribers have their final state.
  if (!initial || initial.phase === "completed") return ingestUpload(db, store, payload, { cache: deps.cache });
  // A file parsed as it arrived (read-ahead.ts) has been read whole already.
  const bytesRead = parsed ? initial.totalBytes : 0;
  const reporter = progressReporter(deps, { ...initial, phase: "reading", bytesRead, samplesDone: 0 });
  await reporter.reportProgress({}, true);
  const publishFinal = async () => {
    const final = await withTenant(db, scope, (tx) => readUploadProgress(tx, payload.customerId, payload.uploadId));
    if (final) await reporter.reportProgress(final, true);
  };
  try {
    const outcome = await ingestUpload(db, store, payload, {
      cache: deps.cache,
      onProgress: (update) => reporter.reportProgress(update),
      parsed,
    });
    await publishFinal();
    return outcome;
  } catch (error) {
    // The ingest marked the upload failed (it will be retried): subscribers see that state.
    await publishFinal().catch(() => {});
    throw error;
  }
}

// The genotype-ingest job: reads a stored upload with the genomics library, matches each sample to
// an animal of the upload's customer (official ID, else a herd tag only one animal carries), runs
// sample QC (call rate, heterozygosity), and stores one packed genotype per matched, passing sample.
// Idempotent: a re-run (retry, or a job re-added) rewrites the same rows — genotypes are upserted
// on (upload_id, animal_id), the per-sample results replaced — and a completed upload is left alone.
// Every write of one upload happens in ONE transaction, so a worker killed mid-ingest leaves nothing
// partial behind and the retry starts clean. Stored samples get a parentage check (parentage.ts).
// The file is parsed in a worker thread (parse-thread.ts) while this thread streams the blob to it;
// the rows are written in batches of STORE_BATCH samples (multi-row INSERTs over unnest arrays), and
// `onProgress` hears bytes read while parsing and samples done after each batch.
// A file the library cannot read marks the upload failed with the reader's message; other errors
// mark it failed too and are rethrown so the queue retries.
import { AppError } from "@reprotech/core";
import { withTenant, type PrismaClient, type Tx } from "@reprotech/db";
import {
  bytesPerSample,
  GenotypeFormatError,
  sampleCallRates,
  sampleHeterozygosity,
  summarizeGenotypes,
} from "@reprotech/genomics";
import type { Cache } from "@reprotech/cache";
import { invalidateAnimals } from "../animals/cache";
import { query } from "../animals/sql";
import { FileBlobStore, type BlobStore } from "./blob-store";
import { checkParentage } from "./parentage";
import type { ParsedUpload } from "./parse";
import { parseInThread } from "./parse-thread";
import type { GenotypeFileFormat } from "./sniff";

export { parseGenotypeFile, type ParsedUpload } from "./parse";
// The bundle name of the parse thread's entry, for whoever checks an app's dist (tests).
export { PARSE_WORKER_BUNDLE } from "./parse-protocol";

/** Samples below this call rate are not stored; below WARN_CALL_RATE they are stored with qc_status warn. */
export const MIN_CALL_RATE = 0.9;
export const WARN_CALL_RATE = 0.95;

export interface IngestOutcome {
  status: "completed" | "failed" | "skipped";
  sampleCount: number;
  matchedCount: number;
  storedCount: number;
  errorMessage?: string;
}

interface UploadRow {
  id: string;
  customerId: string;
  status: string;
  format: GenotypeFileFormat;
  blobKey: string;
  panelId: string;
  markerMap: Uint8Array;
}

type Parsed = ParsedUpload;

/** Samples written per statement batch; progress reports samples done after each batch. */
export const STORE_BATCH = 16;

/** What the ingest reports while it runs (ingestWithProgress publishes it; see progress.ts). */
export type IngestProgress =
  { phase: "reading"; bytesRead: number } | { phase: "storing"; samplesDone: number; sampleCount: number };

type SampleResult = {
  sampleId: string;
  animalId: string | null;
  outcome: "stored" | "unmatched" | "qc_failed" | "error";
  callRate: number | null;
  heterozygosity: number | null;
  messages: string[];
  row?: Uint8Array;
  qcStatus?: "pass" | "warn";
};

/** Animals of the customer by official ID and by herd tag (a herd tag counts only when unique). */
async function matchAnimals(tx: Tx, customerId: string, sampleIds: string[]) {
  const wanted = [...new Set(sampleIds.map((s) => s.trim()))];
  const upper = wanted.map((s) => s.toUpperCase());
  const rows = await query<{ id: string; officialId: string; herdTag: string | null }>(
    tx,
    `SELECT id::text AS id, official_id AS "officialId", herd_tag AS "herdTag" FROM animals
     WHERE customer_id = $1::uuid AND (official_id = ANY($2::text[]) OR herd_tag = ANY($3::text[]))`,
    [customerId, upper, wanted],
  );
  const byOfficial = new Map(rows.map((r) => [r.officialId, r.id]));
  const byTag = new Map<string, string[]>();
  for (const r of rows) if (r.herdTag) byTag.set(r.herdTag, [...(byTag.get(r.herdTag) ?? []), r.id]);
  return (sampleId: string): { animalId: string | null; message?: string } => {
    const id = sampleId.trim();
    const official = byOfficial.get(id.toUpperCase());
    if (official) return { animalId: official };
    const tagged = byTag.get(id) ?? [];
    if (tagged.length === 1) return { animalId: tagged[0]! };
    if (tagged.length > 1)
      return { animalId: null, message: `herd tag ${id} is carried by ${tagged.length} animals: use the official ID` };
    return { animalId: null, message: `no animal of this farm has the official ID or herd tag ${id}` };
  };
}

function evaluate(parsed: Parsed, match: (id: string) => { animalId: string | null; message?: string }) {
  // Only the per-sample figures are used: runQc's SNP-level part (an HWE exact test per SNP) cost
  // ~0.2 s per 96 × 60K plate for nothing. Same call rates and heterozygosities as runQc's.
  const counts = summarizeGenotypes(parsed.genotypes).samples;
  const qc = { callRate: sampleCallRates(counts), heterozygosity: sampleHeterozygosity(counts) };
  const stride = bytesPerSample(parsed.genotypes.nSnps);
  const seen = new Map<string, string>();
  const seenSamples = new Set<string>();
  const times = new Map<string, number>();
  for (const id of parsed.sampleIds) times.set(id, (times.get(id) ?? 0) + 1);
  const results = parsed.sampleIds.map((sampleId, i): SampleResult | undefined => {
    const callRate = qc.callRate[i]!;
    const het = qc.heterozygosity[i]!;
    const base = {
      sampleId: sampleId.slice(0, 100),
      callRate: Number.isFinite(callRate) ? callRate : 0,
      heterozygosity: Number.isFinite(het) ? het : 0,
    };
    // One result per sample ID; a repeated one is ambiguous, so none of its genotypes is stored.
    if (seenSamples.has(sampleId)) return undefined;
    seenSamples.add(sampleId);
    const n = times.get(sampleId)!;
    if (n > 1)
      return {
        ...base,
        callRate: null,
        heterozygosity: null,
        animalId: null,
        outcome: "error",
        messages: [`sample ${sampleId} appears ${n} times in the file: none of its genotypes were stored`],
      };
    const { animalId, message } = match(sampleId);
    if (!animalId) return { ...base, animalId: null, outcome: "unmatched", messages: message ? [message] : [] };
    const earlier = seen.get(animalId);
    if (earlier)
      return {
        ...base,
        animalId,
        outcome: "error",
        messages: [`sample ${earlier} of this file already matched the same animal`],
      };
    seen.set(animalId, sampleId);
    if (base.callRate < MIN_CALL_RATE)
      return {
        ...base,
        animalId,
        outcome: "qc_failed",
        messages: [`call rate ${(base.callRate * 100).toFixed(1)}% is below ${MIN_CALL_RATE * 100}%`],
      };
    const row = parsed.genotypes.data.slice(i * stride, (i + 1) * stride);
    const qcStatus = base.callRate < WARN_CALL_RATE ? "warn" : "pass";
    const messages =
      qcStatus === "warn" ? [`call rate ${(base.callRate * 100).toFixed(1)}% is below ${WARN_CALL_RATE * 100}%`] : [];
    return { ...base, animalId, outcome: "stored", messages, row, qcStatus };
  });
  const notes = parsed.notes ?? [];
  return results.filter((r) => r !== undefined).map((r) => ({ ...r, messages: [...r.messages, ...notes] }));
}

/**
 * Writes one batch of per-sample results and the stored samples' genotypes, three statements
 * whatever the batch's size: the packed rows travel as one bytea (cut in SQL by the batch's
 * ordinal), the rest as parallel arrays. Same rows and conflict rules as one INSERT per sample.
 */
async function storeBatch(
  tx: Tx,
  upload: { id: string; customerId: string; panelId: string },
  batch: SampleResult[],
  stride: number,
) {
  await query(
    tx,
    `INSERT INTO genotype_sample_results (id, customer_id, upload_id, sample_id, animal_id, outcome, call_rate, heterozygosity, messages)
     SELECT gen_random_uuid(), $1::uuid, $2::uuid, r.sample_id, r.animal_id::uuid, r.outcome::"GenotypeSampleOutcome",
            r.call_rate, r.heterozygosity,
            ARRAY(SELECT jsonb_array_elements_text($9::jsonb -> (r.ord::int - 1)))::varchar[]
     FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::int[])
          AS r(sample_id, animal_id, outcome, call_rate, heterozygosity, ord)
     ON CONFLICT (upload_id, sample_id) DO NOTHING`,
    [
      upload.customerId,
      upload.id,
      batch.map((r) => r.sampleId),
      batch.map((r) => r.animalId),
      batch.map((r) => r.outcome),
      batch.map((r) => r.callRate),
      batch.map((r) => r.heterozygosity),
      batch.map((_, i) => i + 1),
      JSON.stringify(batch.map((r) => r.messages.map((m) => m.slice(0, 500)))),
    ],
  );
  const stored = batch.filter((r) => r.outcome === "stored" && r.row && r.animalId);
  if (stored.length === 0) return;
  const animalIds = stored.map((r) => r.animalId!);
  // Older genotypes of these animals on this panel stop being current; this upload's become it.
  await query(
    tx,
    `UPDATE genotypes SET is_current = false
     WHERE animal_id = ANY($1::text[]::uuid[]) AND panel_id = $2::uuid AND upload_id <> $3::uuid AND is_current`,
    [animalIds, upload.panelId, upload.id],
  );
  const packed = new Uint8Array(stored.length * stride);
  stored.forEach((r, i) => packed.set(r.row!, i * stride));
  await query(
    tx,
    `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
     SELECT gen_random_uuid(), $1::uuid, r.animal_id::uuid, $2::uuid, $3::uuid,
            substring($4::bytea FROM (r.ord::int - 1) * $5::int + 1 FOR $5::int),
            r.call_rate, r.heterozygosity, r.qc_status::"GenotypeQcStatus", true
     FROM unnest($6::text[], $7::float8[], $8::float8[], $9::text[], $10::int[])
          AS r(animal_id, call_rate, heterozygosity, qc_status, ord)
     ON CONFLICT (upload_id, animal_id) DO UPDATE SET packed = EXCLUDED.packed, call_rate = EXCLUDED.call_rate,
       heterozygosity = EXCLUDED.heterozygosity, qc_status = EXCLUDED.qc_status, is_current = true`,
    [
      upload.customerId,
      upload.panelId,
      upload.id,
      packed,
      stride,
      animalIds,
      stored.map((r) => r.callRate),
      stored.map((r) => r.heterozygosity),
      stored.map((r) => r.qcStatus!),
      stored.map((_, i) => i + 1),
    ],
  );
}

async function markFailed(db: PrismaClient, upload: { id: string; customerId: string }, message: string) {
  await withTenant(db, { customerIds: [upload.customerId], userId: null }, (tx) =>
    query(
      tx,
      `UPDATE genotype_uploads SET status = 'failed', error_message = $2, updated_at = now() WHERE id = $1::uuid`,
      [upload.id, message.slice(0, 2000)],
    ),
  );
}

/** The stored file through the parse thread. */
async function parseStored(store: BlobStore, upload: UploadRow, report: (update: IngestProgress) => void) {
  // A local file is read into the parse thread's buffers; other stores stream (the reader stops a
  // stream it leaves early).
  const reader = store instanceof FileBlobStore ? await store.openReader(upload.blobKey) : undefined;
  try {
    return await parseInThread(
      { format: upload.format, markerMap: upload.markerMap },
      reader ?? (await store.get(upload.blobKey)),
      { onBytesRead: (bytesRead) => report({ phase: "reading", bytesRead }) },
    );
  } finally {
    await reader?.close();
  }
}

export interface IngestOptions {
  cache?: Cache | undefined;
  onProgress?: (update: IngestProgress) => void | Promise<void>;
  /** The file already parsed, as it arrived (read-ahead.ts): the stored blob is not read again. */
  parsed?: ParsedUpload | undefined;
}

export async function ingestUpload(
  db: PrismaClient,
  store: BlobStore,
  payload: { uploadId: string; customerId: string },
  opts: IngestOptions = {},
): Promise<IngestOutcome> {
  const report = (update: IngestProgress) => void opts.onProgress?.(update);
  const scope = { customerIds: [payload.customerId], userId: null };
  const upload = await withTenant(db, scope, async (tx) => {
    const [row] = await query<UploadRow>(
      tx,
      `SELECT u.id::text AS id, u.customer_id::text AS "customerId", u.status::text AS status, u.format::text AS format,
              u.blob_key AS "blobKey", u.panel_id::text AS "panelId", p.marker_map AS "markerMap"
       FROM genotype_uploads u JOIN snp_panels p ON p.id = u.panel_id
       WHERE u.id = $1::uuid AND u.customer_id = $2::uuid FOR UPDATE OF u`,
      [payload.uploadId, payload.customerId],
    );
    if (!row) return undefined;
    if (row.status === "queued" || row.status === "failed")
      await query(
        tx,
        `UPDATE genotype_uploads SET status = 'processing', error_message = NULL, updated_at = now() WHERE id = $1::uuid`,
        [row.id],
      );
    return row;
  });
  const none = { sampleCount: 0, matchedCount: 0, storedCount: 0 };
  if (!upload) throw new AppError("NOT_FOUND", `genotype upload ${payload.uploadId} not found`);
  if (upload.status === "completed") return { status: "skipped", ...none };

  let parsed: Parsed;
  try {
    parsed = opts.parsed ?? (await parseStored(store, upload, report));
    if (parsed.sampleIds.length === 0) throw new GenotypeFormatError("NO_DATA", "the file holds no samples");
  } catch (error) {
    const message =
      error instanceof GenotypeFormatError
        ? `The file could not be read: ${error.message}`
        : "The file could not be read";
    await markFailed(db, upload, message);
    if (error instanceof GenotypeFormatError) return { status: "failed", ...none, errorMessage: message };
    throw error;
  }

  let outcome: IngestOutcome;
  try {
    outcome = await withTenant(
      db,
      scope,
      async (tx): Promise<IngestOutcome> => {
        // Serialises two runs of one upload (a job the queue thought stalled while it still ran):
        // the second waits here and finds the upload completed.
        const [locked] = await query<{ status: string }>(
          tx,
          `SELECT status::text AS status FROM genotype_uploads WHERE id = $1::uuid FOR UPDATE`,
          [upload.id],
        );
        if (locked?.status === "completed") return { status: "skipped", ...none };
        const match = await matchAnimals(tx, upload.customerId, parsed.sampleIds);
        const results = evaluate(parsed, match);
        await query(tx, `DELETE FROM genotype_sample_results WHERE upload_id = $1::uuid`, [upload.id]);
        report({ phase: "storing", samplesDone: 0, sampleCount: results.length });
        for (let from = 0; from < results.length; from += STORE_BATCH) {
          const batch = results.slice(from, from + STORE_BATCH);
          await storeBatch(tx, upload, batch, bytesPerSample(parsed.genotypes.nSnps));
          report({ phase: "storing", samplesDone: from + batch.length, sampleCount: results.length });
        }
        // Parentage of the stored samples (results on their rows, never errors); see parentage.ts.
        const parentage = await checkParentage(tx, {
          customerId: upload.customerId,
          panelId: upload.panelId,
          nSnps: parsed.genotypes.nSnps,
          animalIds: results.flatMap((r) => (r.outcome === "stored" && r.animalId ? [r.animalId] : [])),
        });
        if (parentage.size > 0)
          await query(
            tx,
            `UPDATE genotype_sample_results s SET sire_status = r.sire, dam_status = r.dam, parentage = r.details
             FROM jsonb_to_recordset($2::jsonb) AS r(animal_id uuid, sire text, dam text, details jsonb)
             WHERE s.upload_id = $1::uuid AND s.animal_id = r.animal_id AND s.outcome = 'stored'`,
            [
              upload.id,
              JSON.stringify(
                [...parentage].map(([animalId, p]) => ({
                  animal_id: animalId,
                  sire: p.sire?.status ?? null,
                  dam: p.dam?.status ?? null,
                  details: p,
                })),
              ),
            ],
          );
        const counts = {
          sampleCount: results.length,
          matchedCount: results.filter((r) => r.animalId !== null).length,
          storedCount: results.filter((r) => r.outcome === "stored").length,
        };
        await query(
          tx,
          `UPDATE genotype_uploads SET status = 'completed', error_message = NULL, sample_count = $2, matched_count = $3,
             stored_count = $4, updated_at = now() WHERE id = $1::uuid`,
          [upload.id, counts.sampleCount, counts.matchedCount, counts.storedCount],
        );
        return { status: "completed", ...counts };
      },
      { timeout: 10 * 60_000 },
    );
  } catch (error) {
    await markFailed(db, upload, "Storing the genotypes failed; the job will be retried").catch(() => {});
    throw error;
  }
  // After COMMIT: animal lists filter on hasGenotype (animals/genotyped.ts), so new genotypes change them.
  if (opts.cache && outcome.storedCount > 0) await invalidateAnimals(opts.cache, upload.customerId);
  return outcome;
}

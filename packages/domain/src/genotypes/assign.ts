// Manual assignment of an upload's unmatched sample to an animal of the upload's customer: the
// sample's genotype is read again from the stored file (on the upload's panel), QC'd like the
// ingest does, stored for the animal (current unless a newer upload's genotype is current on the
// panel), its per-sample result becomes "stored" with the parentage check, and the upload's counts
// follow. Idempotent: assigning the same sample to the same animal again changes nothing. Runs in
// the caller's transaction; after COMMIT the caller invalidates the animals cache and scores the
// returned genotype (gbv.scoreAssignedGenotypes) — the ingest scores what it stores, so must this.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { bytesPerSample, runQc } from "@reprotech/genomics";
import { z } from "zod";
import { locateAnimal } from "../animals/queries";
import { query } from "../animals/sql";
import type { BlobStore } from "./blob-store";
import { MIN_CALL_RATE, WARN_CALL_RATE, parseGenotypeFile } from "./ingest";
import { decodeMarkerMap } from "./panel-codec";
import { checkParentage } from "./parentage";
import { uploadSamples, type SampleResultView } from "./queries";
import type { GenotypeFileFormat } from "./sniff";

export const assignSampleInput = z.object({
  customerId: z.uuid(),
  uploadId: z.uuid(),
  sampleId: z.string().min(1).max(100),
  animalId: z.uuid(),
});
export type AssignSampleInput = z.infer<typeof assignSampleInput>;

export async function assignSample(
  tx: Tx,
  store: BlobStore,
  input: AssignSampleInput,
): Promise<{
  changed: boolean;
  sample: SampleResultView;
  /** The genotype stored now, if it is the animal's current one: to be scored once committed. */
  currentGenotypeId: string | null;
}> {
  const [upload] = await query<{
    status: string;
    format: GenotypeFileFormat;
    blobKey: string;
    panelId: string;
    markerMap: Uint8Array;
  }>(
    tx,
    `SELECT u.status::text AS status, u.format::text AS format, u.blob_key AS "blobKey", u.panel_id::text AS "panelId",
            p.marker_map AS "markerMap"
     FROM genotype_uploads u JOIN snp_panels p ON p.id = u.panel_id
     WHERE u.id = $1::uuid AND u.customer_id = $2::uuid FOR UPDATE OF u`,
    [input.uploadId, input.customerId],
  );
  if (!upload) throw new AppError("NOT_FOUND", "Upload not found");
  const result = async () => (await uploadSamples(tx, input)).find((s) => s.sampleId === input.sampleId)!;
  if (upload.status !== "completed")
    throw new AppError("CONFLICT", "Samples can be assigned once the upload has been processed");
  const [sample] = await query<{ animalId: string | null; outcome: string }>(
    tx,
    `SELECT animal_id::text AS "animalId", outcome::text AS outcome FROM genotype_sample_results
     WHERE upload_id = $1::uuid AND sample_id = $2`,
    [input.uploadId, input.sampleId],
  );
  if (!sample) throw new AppError("NOT_FOUND", `Sample ${input.sampleId} is not in this upload`);
  if (sample.outcome === "stored" && sample.animalId === input.animalId)
    return { changed: false, sample: await result(), currentGenotypeId: null };
  if (sample.outcome !== "unmatched")
    throw new AppError(
      "BAD_REQUEST",
      `Sample ${input.sampleId} is ${sample.outcome}: only unmatched samples can be assigned`,
    );
  await locateAnimal(tx, input.animalId, input.customerId);
  const [taken] = await query<{ sampleId: string }>(
    tx,
    `SELECT sample_id AS "sampleId" FROM genotype_sample_results
     WHERE upload_id = $1::uuid AND animal_id = $2::uuid AND outcome = 'stored'`,
    [input.uploadId, input.animalId],
  );
  if (taken)
    throw new AppError("CONFLICT", `Sample ${taken.sampleId} of this upload is already stored for that animal`);

  const parsed = await parseGenotypeFile(
    upload.format,
    await store.get(upload.blobKey),
    decodeMarkerMap(upload.markerMap),
  );
  const i = parsed.sampleIds.findIndex((id) => id.slice(0, 100) === input.sampleId);
  if (i < 0) throw new AppError("NOT_FOUND", `Sample ${input.sampleId} is not in the stored file`);
  const qc = runQc(parsed.genotypes);
  const callRate = Number.isFinite(qc.samples.callRate[i]!) ? qc.samples.callRate[i]! : 0;
  const heterozygosity = Number.isFinite(qc.samples.heterozygosity[i]!) ? qc.samples.heterozygosity[i]! : 0;
  if (callRate < MIN_CALL_RATE)
    throw new AppError(
      "BAD_REQUEST",
      `Sample ${input.sampleId} has a call rate of ${(callRate * 100).toFixed(1)}%, below ${MIN_CALL_RATE * 100}%: not stored`,
    );
  const stride = bytesPerSample(parsed.genotypes.nSnps);
  const row = parsed.genotypes.data.slice(i * stride, (i + 1) * stride);
  const qcStatus = callRate < WARN_CALL_RATE ? "warn" : "pass";

  // Current unless a genotype from a NEWER upload is current for the animal on this panel.
  const [newer] = await query<{ n: number }>(
    tx,
    `SELECT count(*)::int AS n FROM genotypes g JOIN genotype_uploads o ON o.id = g.upload_id
     WHERE g.animal_id = $1::uuid AND g.panel_id = $2::uuid AND g.is_current
       AND o.created_at > (SELECT created_at FROM genotype_uploads WHERE id = $3::uuid)`,
    [input.animalId, upload.panelId, input.uploadId],
  );
  const current = (newer?.n ?? 0) === 0;
  if (current)
    await query(
      tx,
      `UPDATE genotypes SET is_current = false WHERE animal_id = $1::uuid AND panel_id = $2::uuid AND upload_id <> $3::uuid AND is_current`,
      [input.animalId, upload.panelId, input.uploadId],
    );
  const [stored] = await query<{ id: string }>(
    tx,
    `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
     VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7, $8::"GenotypeQcStatus", $9)
     ON CONFLICT (upload_id, animal_id) DO UPDATE SET packed = EXCLUDED.packed, call_rate = EXCLUDED.call_rate,
       heterozygosity = EXCLUDED.heterozygosity, qc_status = EXCLUDED.qc_status, is_current = EXCLUDED.is_current
     RETURNING id::text AS id`,
    [
      input.customerId,
      input.animalId,
      upload.panelId,
      input.uploadId,
      row,
      callRate,
      heterozygosity,
      qcStatus,
      current,
    ],
  );
  const messages = ["assigned manually"];
  if (qcStatus === "warn") messages.push(`call rate ${(callRate * 100).toFixed(1)}% is below ${WARN_CALL_RATE * 100}%`);
  const parentage = (
    await checkParentage(tx, {
      customerId: input.customerId,
      panelId: upload.panelId,
      nSnps: parsed.genotypes.nSnps,
      animalIds: current ? [input.animalId] : [],
    })
  ).get(input.animalId);
  await query(
    tx,
    `UPDATE genotype_sample_results SET animal_id = $3::uuid, outcome = 'stored', call_rate = $4, heterozygosity = $5,
       messages = $6::varchar[], sire_status = $7, dam_status = $8, parentage = $9::jsonb
     WHERE upload_id = $1::uuid AND sample_id = $2`,
    [
      input.uploadId,
      input.sampleId,
      input.animalId,
      callRate,
      heterozygosity,
      messages,
      parentage?.sire?.status ?? null,
      parentage?.dam?.status ?? null,
      parentage ? JSON.stringify(parentage) : null,
    ],
  );
  await query(
    tx,
    `UPDATE genotype_uploads SET matched_count = coalesce(matched_count, 0) + 1, stored_count = coalesce(stored_count, 0) + 1,
       updated_at = now() WHERE id = $1::uuid`,
    [input.uploadId],
  );
  return { changed: true, sample: await result(), currentGenotypeId: current ? stored!.id : null };
}

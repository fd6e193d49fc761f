// Genotype reads: an animal's genotype summary (current genotype per panel and the earlier ones,
// with QC and the parentage verdicts of the upload that stored them) and an upload's per-sample
// results. The summary is cached in the customer's animals namespace (animals/cache.ts), which the
// ingest invalidates after it commits new genotypes and every animal write invalidates too.
import type { Cache } from "@reprotech/cache";
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { cachedAnimals, readKey } from "../animals/cache";
import { locateAnimal } from "../animals/queries";
import { query } from "../animals/sql";

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const parentVerdict = z.enum(["verified", "doubtful", "excluded", "insufficient", "untested"]).nullable();

export const genotypeEntrySchema = z.object({
  id: z.uuid(),
  panelId: z.uuid(),
  panelName: z.string(),
  panelVersion: z.string(),
  uploadId: z.uuid(),
  originalFileName: z.string(),
  genotypedAt: z.string(),
  callRate: z.number(),
  heterozygosity: z.number(),
  qcStatus: z.enum(["pass", "warn", "fail"]),
  isCurrent: z.boolean(),
  /** Verdicts on the recorded herd sire and dam when this genotype was stored (null: none recorded). */
  sireStatus: parentVerdict,
  damStatus: parentVerdict,
});
export type GenotypeEntry = z.infer<typeof genotypeEntrySchema>;

export const genotypeSummarySchema = z.object({
  animalId: z.uuid(),
  customerId: z.uuid(),
  /** The current genotype per panel, newest first. */
  current: z.array(genotypeEntrySchema),
  /** Earlier genotypes replaced by a newer upload on the same panel, newest first. */
  history: z.array(genotypeEntrySchema),
});
export type GenotypeSummary = z.infer<typeof genotypeSummarySchema>;

async function loadSummary(tx: Tx, customerId: string, animalId: string): Promise<GenotypeSummary> {
  const rows = await query<GenotypeEntry>(
    tx,
    `SELECT g.id::text AS id, g.panel_id::text AS "panelId", p.name AS "panelName", p.version AS "panelVersion",
            g.upload_id::text AS "uploadId", u.original_file_name AS "originalFileName", ${ISO("g.created_at")} AS "genotypedAt",
            g.call_rate AS "callRate", g.heterozygosity, g.qc_status::text AS "qcStatus", g.is_current AS "isCurrent",
            s.sire_status AS "sireStatus", s.dam_status AS "damStatus"
     FROM genotypes g
     JOIN snp_panels p ON p.id = g.panel_id
     JOIN genotype_uploads u ON u.id = g.upload_id
     LEFT JOIN LATERAL (SELECT r.sire_status, r.dam_status FROM genotype_sample_results r
                        WHERE r.upload_id = g.upload_id AND r.animal_id = g.animal_id AND r.outcome = 'stored'
                        LIMIT 1) s ON true
     WHERE g.animal_id = $1::uuid AND g.customer_id = $2::uuid
     ORDER BY g.created_at DESC, g.id DESC`,
    [animalId, customerId],
  );
  return {
    animalId,
    customerId,
    current: rows.filter((r) => r.isCurrent),
    history: rows.filter((r) => !r.isCurrent),
  };
}

/** The animal's genotypes (NOT_FOUND when the caller's scope cannot see the animal). Cached. */
export async function genotypeSummary(
  tx: Tx,
  cache: Cache,
  input: { animalId: string; customerId?: string | undefined },
): Promise<GenotypeSummary> {
  const customerId = await locateAnimal(tx, input.animalId, input.customerId);
  return cachedAnimals(cache, customerId, readKey("genotypes", { animalId: input.animalId }), () =>
    loadSummary(tx, customerId, input.animalId),
  );
}

const suggestionSchema = z.object({
  animalId: z.uuid(),
  officialId: z.string(),
  status: z.enum(["verified", "doubtful", "excluded", "insufficient"]),
  conflicts: z.number().int(),
  common: z.number().int(),
  rate: z.number(),
});
const parentCheckSchema = z.object({
  animalId: z.uuid(),
  status: z.enum(["verified", "doubtful", "excluded", "insufficient", "untested"]),
  conflicts: z.number().int().nullable(),
  common: z.number().int().nullable(),
  rate: z.number().nullable(),
});

export const sampleResultSchema = z.object({
  sampleId: z.string(),
  animalId: z.uuid().nullable(),
  officialId: z.string().nullable(),
  outcome: z.enum(["stored", "unmatched", "qc_failed", "error"]),
  callRate: z.number().nullable(),
  heterozygosity: z.number().nullable(),
  messages: z.array(z.string()),
  sireStatus: parentVerdict,
  damStatus: parentVerdict,
  parentage: z
    .object({
      sire: parentCheckSchema.nullable(),
      dam: parentCheckSchema.nullable(),
      suggestions: z.object({ sire: z.array(suggestionSchema), dam: z.array(suggestionSchema) }),
    })
    .nullable(),
});
export type SampleResultView = z.infer<typeof sampleResultSchema>;

/** An upload's per-sample results in sample order (NOT_FOUND when the scope cannot see the upload). */
export async function uploadSamples(
  tx: Tx,
  input: { customerId: string; uploadId: string },
): Promise<SampleResultView[]> {
  const [upload] = await query<{ id: string }>(
    tx,
    `SELECT id::text AS id FROM genotype_uploads WHERE id = $1::uuid AND customer_id = $2::uuid`,
    [input.uploadId, input.customerId],
  );
  if (!upload) throw new AppError("NOT_FOUND", "Upload not found");
  return query<SampleResultView>(
    tx,
    `SELECT r.sample_id AS "sampleId", r.animal_id::text AS "animalId", a.official_id AS "officialId",
            r.outcome::text AS outcome, r.call_rate AS "callRate", r.heterozygosity, r.messages::text[] AS messages,
            r.sire_status AS "sireStatus", r.dam_status AS "damStatus", r.parentage
     FROM genotype_sample_results r LEFT JOIN animals a ON a.id = r.animal_id
     WHERE r.upload_id = $1::uuid AND r.customer_id = $2::uuid
     ORDER BY r.sample_id`,
    [input.uploadId, input.customerId],
  );
}

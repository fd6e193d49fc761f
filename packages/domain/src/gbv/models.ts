// Model reads: the catalogue list and one model's detail (provenance with the dropped-SNP report of
// an import, cross-validation results of a training, how reliabilities are computed). Effects and
// per-SNP reliability arrays stay in the database: scoring reads them, callers do not need them.
// Catalogue rows any scoped transaction reads; not cached (several writers change them — imports,
// publications, training jobs — and the queries are small and indexed).
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { query } from "../animals/sql";

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const modelStatusSchema = z.enum(["training", "draft", "published", "retired", "failed"]);

export const modelSummarySchema = z.object({
  id: z.uuid(),
  traitId: z.uuid(),
  traitCode: z.string(),
  traitName: z.string(),
  panelId: z.uuid(),
  panelName: z.string(),
  version: z.number().int(),
  status: modelStatusSchema,
  source: z.enum(["imported", "trained"]),
  description: z.string().nullable(),
  snpCount: z.number().int(),
  intercept: z.number(),
  heritability: z.number().nullable(),
  /** "pev" (per animal, from reference information), "daetwyler" (population level) or null. */
  reliabilityMethod: z.enum(["pev", "daetwyler"]).nullable(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

const jsonValue = z.unknown();

export const modelDetailSchema = modelSummarySchema.extend({
  provenance: jsonValue,
  crossValidation: jsonValue,
  training: jsonValue,
  trainingError: z.string().nullable(),
  /** Reliability parameters without the per-SNP arrays. */
  reliability: z
    .object({
      method: z.string(),
      nReference: z.number().nullable(),
      h2: z.number().nullable(),
      lambda: z.number().nullable(),
    })
    .nullable(),
  artefactKey: z.string().nullable(),
  phenotypeSetId: z.uuid().nullable(),
  createdBy: z.uuid().nullable(),
  publishedBy: z.uuid().nullable(),
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;

export const listModelsInput = z.object({
  traitId: z.uuid().optional(),
  panelId: z.uuid().optional(),
  status: modelStatusSchema.optional(),
});

const SUMMARY = `m.id::text AS id, m.trait_id::text AS "traitId", t.code AS "traitCode", t.name AS "traitName",
  m.panel_id::text AS "panelId", p.name || ' ' || p.version AS "panelName", m.version, m.status::text AS status,
  m.source::text AS source, m.description, m.snp_count AS "snpCount", m.intercept, m.heritability,
  m.reliability ->> 'method' AS "reliabilityMethod", ${ISO("m.created_at")} AS "createdAt",
  ${ISO("m.published_at")} AS "publishedAt", ${ISO("m.retired_at")} AS "retiredAt"`;
const FROM = `FROM gbv_models m JOIN gbv_traits t ON t.id = m.trait_id JOIN snp_panels p ON p.id = m.panel_id`;

export function listModels(tx: Tx, input: z.output<typeof listModelsInput>): Promise<ModelSummary[]> {
  return query<ModelSummary>(
    tx,
    `SELECT ${SUMMARY} ${FROM}
     WHERE ($1::uuid IS NULL OR m.trait_id = $1::uuid) AND ($2::uuid IS NULL OR m.panel_id = $2::uuid)
       AND ($3::text IS NULL OR m.status::text = $3)
     ORDER BY t.code, p.name, m.version DESC`,
    [input.traitId ?? null, input.panelId ?? null, input.status ?? null],
  );
}

export async function getModel(tx: Tx, modelId: string): Promise<ModelDetail> {
  const [row] = await query<ModelDetail>(
    tx,
    `SELECT ${SUMMARY}, m.provenance, m.cross_validation AS "crossValidation", m.training,
            m.training_error AS "trainingError",
            CASE WHEN m.reliability IS NULL THEN NULL ELSE jsonb_build_object(
              'method', m.reliability ->> 'method', 'nReference', (m.reliability ->> 'nReference')::float8,
              'h2', (m.reliability ->> 'h2')::float8, 'lambda', (m.reliability ->> 'lambda')::float8) END AS reliability,
            m.artefact_key AS "artefactKey", m.phenotype_set_id::text AS "phenotypeSetId",
            m.created_by::text AS "createdBy", m.published_by::text AS "publishedBy"
     ${FROM} WHERE m.id = $1::uuid`,
    [modelId],
  );
  if (!row) throw new AppError("NOT_FOUND", "Model not found");
  return row;
}

// How GBV models are stored. A model row holds what scoring needs — per panel SNP, in panel order, the
// Float64 little-endian effect of the allele the packed code counts (the panel's B allele, see
// genomics/src/pack.ts; 0 for SNPs not in the model) and that allele's frequency (NaN when unknown) —
// plus the information reliabilities need, and its provenance. Versions are 1, 2, … per trait and
// panel, allocated under a transaction-scoped advisory lock so two imports or trainings never race
// for one number. Artefacts (the imported file, a trained model's effects) go to blob storage under
// `ml-models/gbv/<trait>/panel-<panel id>/v<version>/<name>`, the seed's ml-models/ layout.
// Catalogue rows: every write here needs the '*' scope (bulls.asCatalogueWriter or a catalogue procedure).
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";
import { assertBlobKey } from "../genotypes/blob-store";

export type ModelStatus = "training" | "draft" | "published" | "retired" | "failed";
export type ModelSource = "imported" | "trained";

/** Float64 little-endian bytes of `values` (the effects / allele_freqs column format). */
export function encodeFloat64(values: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

export function decodeFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0) throw new Error(`Float64 column holds ${bytes.length} bytes, not a multiple of 8`);
  const out = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

const base64Of = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const bytesOf = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));

/**
 * What reliabilities need (gbv_models.reliability), one of the genomics library's two methods
 * (genomics/src/score/reliability.ts):
 * - "pev": per-animal PEV-diagonal approximation of SNP-BLUP, for models that carry reference
 *   information (trained here): lambda, per-SNP information d_j over the reference, the SNP mask.
 * - "daetwyler": the population-level expectation N h2 / (N h2 + M_e), for models without it
 *   (imported effects), from the reference size N and heritability h2.
 */
export type ModelReliability =
  | {
      method: "pev";
      nReference: number;
      lambda: number;
      /** Effective number of loci (default effectiveLoci()). */
      mEff?: number;
      snpInformation: Float64Array;
      snpMask: Uint8Array;
    }
  | { method: "daetwyler"; nReference: number; h2: number; mEff?: number };

/** The JSON stored in gbv_models.reliability (arrays as base64 of their bytes). */
export function reliabilityToJson(r: ModelReliability): Record<string, unknown> {
  if (r.method === "daetwyler") return { ...r };
  return {
    method: "pev",
    nReference: r.nReference,
    lambda: r.lambda,
    ...(r.mEff === undefined ? {} : { mEff: r.mEff }),
    snpInformation: base64Of(encodeFloat64(r.snpInformation)),
    snpMask: base64Of(r.snpMask),
  };
}

export function reliabilityFromJson(json: unknown): ModelReliability | null {
  if (!json || typeof json !== "object") return null;
  const j = json as Record<string, unknown>;
  const mEff = typeof j.mEff === "number" ? { mEff: j.mEff } : {};
  if (j.method === "daetwyler" && typeof j.nReference === "number" && typeof j.h2 === "number")
    return { method: "daetwyler", nReference: j.nReference, h2: j.h2, ...mEff };
  if (
    j.method === "pev" &&
    typeof j.nReference === "number" &&
    typeof j.lambda === "number" &&
    typeof j.snpInformation === "string" &&
    typeof j.snpMask === "string"
  )
    return {
      method: "pev",
      nReference: j.nReference,
      lambda: j.lambda,
      ...mEff,
      snpInformation: decodeFloat64(bytesOf(j.snpInformation)),
      snpMask: bytesOf(j.snpMask),
    };
  return null;
}

/** A blob-key-safe trait segment: trait codes are lower snake case, blob keys allow [a-z0-9-]. */
const traitSegment = (traitCode: string) => traitCode.toLowerCase().replace(/_/g, "-");

/** The key of one artefact of a model version, e.g. modelArtefactKey("milk_production", panelId, 3, "effects-csv"). */
export function modelArtefactKey(traitCode: string, panelId: string, version: number, name: string): string {
  const key = `ml-models/gbv/${traitSegment(traitCode)}/panel-${panelId.toLowerCase()}/v${version}/${name}`;
  assertBlobKey(key);
  return key;
}

export interface NewModel {
  traitId: string;
  panelId: string;
  source: ModelSource;
  /** "draft" for imports and finished trainings, "training" while a job estimates the effects. */
  status: "training" | "draft";
  /** One per panel SNP, in panel order, for the panel's B allele. */
  effects: ArrayLike<number>;
  alleleFreqs: ArrayLike<number>;
  intercept?: number;
  heritability?: number | null;
  reliability?: ModelReliability | null;
  crossValidation?: unknown;
  training?: unknown;
  provenance: unknown;
  description?: string | null;
  phenotypeSetId?: string | null;
  createdBy: string | null;
  /**
   * Called with the allocated version before the row is written, e.g. to store the artefact under
   * modelArtefactKey(…, version, …); returns the artefact key to record (or null).
   */
  artefact?: (version: number) => Promise<string | null>;
}

/** Inserts a model with the next version for its trait and panel. Needs the '*' scope. */
export async function insertModel(tx: Tx, m: NewModel): Promise<{ id: string; version: number }> {
  const [panel] = await query<{ markerCount: number }>(
    tx,
    `SELECT marker_count AS "markerCount" FROM snp_panels WHERE id = $1::uuid`,
    [m.panelId],
  );
  if (!panel) throw new AppError("NOT_FOUND", "SNP panel not found");
  if (m.effects.length !== panel.markerCount || m.alleleFreqs.length !== panel.markerCount)
    throw new Error(
      `model has ${m.effects.length} effects and ${m.alleleFreqs.length} frequencies for a panel of ${panel.markerCount} SNPs`,
    );
  // Serialises version allocation per trait and panel until COMMIT.
  await query(tx, `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 7))`, [
    `gbv-model:${m.traitId}:${m.panelId}`,
  ]);
  const [{ version }] = (await query<{ version: number }>(
    tx,
    `SELECT coalesce(max(version), 0)::int + 1 AS version FROM gbv_models WHERE trait_id = $1::uuid AND panel_id = $2::uuid`,
    [m.traitId, m.panelId],
  )) as [{ version: number }];
  const artefactKey = m.artefact ? await m.artefact(version) : null;
  let snpCount = 0;
  for (let j = 0; j < m.effects.length; j++) if (m.effects[j] !== 0) snpCount++;
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  const [row] = await query<{ id: string }>(
    tx,
    `INSERT INTO gbv_models (id, trait_id, panel_id, version, status, source, description, intercept, heritability,
       snp_count, effects, allele_freqs, reliability, cross_validation, training, provenance, artefact_key,
       phenotype_set_id, created_by, updated_at)
     VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4::"GbvModelStatus", $5::"GbvModelSource", $6, $7, $8, $9,
       $10, $11, $12::jsonb, $13::jsonb, $14::jsonb, $15::jsonb, $16, $17::uuid, $18::uuid, now())
     RETURNING id::text AS id`,
    [
      m.traitId,
      m.panelId,
      version,
      m.status,
      m.source,
      m.description ?? null,
      m.intercept ?? 0,
      m.heritability ?? null,
      snpCount,
      encodeFloat64(m.effects),
      encodeFloat64(m.alleleFreqs),
      m.reliability ? JSON.stringify(reliabilityToJson(m.reliability)) : null,
      json(m.crossValidation),
      json(m.training),
      JSON.stringify(m.provenance ?? {}),
      artefactKey,
      m.phenotypeSetId ?? null,
      m.createdBy,
    ],
  );
  return { id: row!.id, version };
}

/** Everything scoring needs of one model. */
export interface ScoringModel {
  id: string;
  traitId: string;
  traitCode: string;
  panelId: string;
  version: number;
  status: ModelStatus;
  intercept: number;
  /** The model's heritability, else the trait's default. */
  h2: number;
  effects: Float64Array;
  alleleFreqs: Float64Array;
  reliability: ModelReliability | null;
}

/** Loads models for scoring (catalogue rows: any scoped transaction reads them). */
export async function loadScoringModels(tx: Tx, modelIds: readonly string[]): Promise<ScoringModel[]> {
  const rows = await query<{
    id: string;
    traitId: string;
    traitCode: string;
    panelId: string;
    version: number;
    status: ModelStatus;
    intercept: number;
    h2: number;
    effects: Uint8Array;
    alleleFreqs: Uint8Array;
    reliability: unknown;
  }>(
    tx,
    `SELECT m.id::text AS id, m.trait_id::text AS "traitId", t.code AS "traitCode", m.panel_id::text AS "panelId",
            m.version, m.status::text AS status, m.intercept, coalesce(m.heritability, t.default_heritability) AS h2,
            m.effects, m.allele_freqs AS "alleleFreqs", m.reliability
     FROM gbv_models m JOIN gbv_traits t ON t.id = m.trait_id WHERE m.id = ANY($1::uuid[]) ORDER BY t.code, m.id`,
    [modelIds],
  );
  return rows.map((r) => ({
    ...r,
    effects: decodeFloat64(r.effects),
    alleleFreqs: decodeFloat64(r.alleleFreqs),
    reliability: reliabilityFromJson(r.reliability),
  }));
}

// Selection indexes: a weighted combination of traits for rankings. The seeded default (customer_id
// NULL) is shared by every farm; a farm may save its own (name + weight per trait code).
//
// The index value of an animal is Σ_t w_t · s_t · GBV_t / SD_t, where
// - SD_t is the population standard deviation of the CURRENT predictions of trait t on the panel of
//   the model that made the animal's prediction, over ALL customers. Standardising makes weights
//   comparable across traits whose units differ (kg of milk vs % pregnancy rate), and taking the SD
//   over every customer makes an animal's index value the same whoever asks (a farm's own SD would
//   shift it with the viewer). Only this aggregate is read outside the caller's scope (see
//   populationScales); no other farm's row leaves the database.
// - s_t is +1 for traits where higher is better and −1 otherwise, so a larger index is always better.
// - a trait whose SD is 0 or undefined (fewer than two predictions) cannot tell animals apart and
//   contributes 0.
// An animal needs a current prediction for every trait with a non-zero weight to have an index value.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { query } from "../animals/sql";
import { asCatalogueWriter } from "../bulls/service";
import { listTraits, traitCodeSchema, type Trait } from "./traits";

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const indexWeightsSchema = z
  .record(traitCodeSchema, z.number().refine(Number.isFinite, "Weights must be finite numbers"))
  .refine((w) => Object.keys(w).length > 0, "Give a weight for at least one trait")
  .refine((w) => Object.values(w).some((v) => v !== 0), "At least one weight must be non-zero");
export type IndexWeights = z.infer<typeof indexWeightsSchema>;

export const saveIndexInput = z.object({
  /** The farm the index belongs to (the shared defaults are seeded, not saved here). */
  customerId: z.uuid(),
  name: z.string().trim().min(1, "Name the index").max(100, "At most 100 characters"),
  weights: indexWeightsSchema,
});

export const deleteIndexInput = z.object({ customerId: z.uuid(), indexId: z.uuid() });
export const listIndexesInput = z.object({ customerId: z.uuid().optional() }).default({});

export const selectionIndexSchema = z.object({
  id: z.uuid(),
  /** null: a shared default every farm sees. */
  customerId: z.uuid().nullable(),
  name: z.string(),
  weights: z.record(z.string(), z.number()),
  isDefault: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SelectionIndex = z.infer<typeof selectionIndexSchema>;

const COLUMNS = `i.id::text AS id, i.customer_id::text AS "customerId", i.name, i.weights,
  (i.customer_id IS NULL) AS "isDefault", ${ISO("i.created_at")} AS "createdAt", ${ISO("i.updated_at")} AS "updatedAt"`;

/** The shared defaults and the indexes of `customerIds` (the call's scope: one farm, several, or all). */
export function listIndexes(tx: Tx, customerIds: readonly string[] | "all"): Promise<SelectionIndex[]> {
  return query<SelectionIndex>(
    tx,
    `SELECT ${COLUMNS} FROM gbv_selection_indexes i
      WHERE i.customer_id IS NULL ${customerIds === "all" ? "OR true" : "OR i.customer_id = ANY($1::uuid[])"}
      ORDER BY i.customer_id NULLS FIRST, i.name`,
    customerIds === "all" ? [] : [customerIds],
  );
}

/** One index the scope sees (a default or a farm's own); NOT_FOUND otherwise. */
export async function getIndex(tx: Tx, indexId: string): Promise<SelectionIndex> {
  const [row] = await query<SelectionIndex>(
    tx,
    `SELECT ${COLUMNS} FROM gbv_selection_indexes i WHERE i.id = $1::uuid`,
    [indexId],
  );
  if (!row) throw new AppError("NOT_FOUND", "Selection index not found");
  return row;
}

/** Refuses weights for trait codes the catalogue does not know, naming them. */
async function assertKnownTraits(tx: Tx, weights: IndexWeights): Promise<void> {
  const known = new Set((await listTraits(tx)).map((t) => t.code));
  const unknown = Object.keys(weights).filter((code) => !known.has(code));
  if (unknown.length)
    throw new AppError(
      "BAD_REQUEST",
      `Unknown trait${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; known: ${[...known].sort().join(", ")}`,
    );
}

/**
 * Saves a farm's index by name: a new name creates it, an existing name replaces its weights
 * (so saving the same index twice is one row). Returns the row and whether it was created.
 */
export async function saveIndex(
  tx: Tx,
  input: z.output<typeof saveIndexInput>,
  userId: string | null,
): Promise<{ index: SelectionIndex; before: SelectionIndex | null }> {
  await assertKnownTraits(tx, input.weights);
  const [before] = await query<SelectionIndex>(
    tx,
    `SELECT ${COLUMNS} FROM gbv_selection_indexes i WHERE i.customer_id = $1::uuid AND i.name = $2 FOR UPDATE`,
    [input.customerId, input.name],
  );
  const [index] = await query<SelectionIndex>(
    tx,
    `INSERT INTO gbv_selection_indexes AS i (id, customer_id, name, weights, created_by, updated_at)
     VALUES (gen_random_uuid(), $1::uuid, $2, $3::jsonb, $4::uuid, now())
     ON CONFLICT (customer_id, name) DO UPDATE SET weights = EXCLUDED.weights, updated_at = now()
     RETURNING ${COLUMNS}`,
    [input.customerId, input.name, JSON.stringify(input.weights), userId],
  );
  return { index: index!, before: before ?? null };
}

/** Deletes one of a farm's own indexes (the shared defaults cannot be deleted here). */
export async function deleteIndex(tx: Tx, input: z.output<typeof deleteIndexInput>): Promise<SelectionIndex> {
  const [row] = await query<SelectionIndex>(
    tx,
    `DELETE FROM gbv_selection_indexes i WHERE i.id = $1::uuid AND i.customer_id = $2::uuid RETURNING ${COLUMNS}`,
    [input.indexId, input.customerId],
  );
  if (!row) throw new AppError("NOT_FOUND", "Selection index not found (the shared defaults cannot be deleted)");
  return row;
}

/** SD of the current predictions of each (trait, panel) over all customers: see the file comment. */
export async function populationScales(
  tx: Tx,
  traitIds: readonly string[],
): Promise<{ traitId: string; panelId: string; sd: number | null }[]> {
  // Only an aggregate per trait and panel is read in the '*' scope; the caller's scope is restored.
  return asCatalogueWriter(tx, () =>
    query<{ traitId: string; panelId: string; sd: number | null }>(
      tx,
      `SELECT p.trait_id::text AS "traitId", m.panel_id::text AS "panelId", stddev_pop(p.value) AS sd
         FROM gbv_predictions p JOIN gbv_models m ON m.id = p.model_id
        WHERE p.is_current AND p.trait_id = ANY($1::uuid[])
        GROUP BY p.trait_id, m.panel_id`,
      [traitIds],
    ),
  );
}

/** What the SQL of an index needs: per trait its weight, per (trait, panel) the factor w·s/SD. */
export interface IndexTerms {
  traits: { traitId: string; code: string; weight: number }[];
  factors: { traitId: string; panelId: string; factor: number }[];
}

export async function indexTerms(tx: Tx, weights: Record<string, number>): Promise<IndexTerms> {
  const byCode = new Map<string, Trait>((await listTraits(tx)).map((t) => [t.code, t]));
  const traits = Object.entries(weights)
    .filter(([, w]) => w !== 0)
    .map(([code, weight]) => {
      const trait = byCode.get(code);
      // A trait deleted from the catalogue after the index was saved: refuse rather than rank on less.
      if (!trait) throw new AppError("BAD_REQUEST", `The index weights an unknown trait ${code}`);
      return { trait, weight };
    });
  const scales = await populationScales(
    tx,
    traits.map((t) => t.trait.id),
  );
  const factors = scales.map((s) => {
    const t = traits.find((x) => x.trait.id === s.traitId)!;
    const sign = t.trait.higherIsBetter ? 1 : -1;
    return { traitId: s.traitId, panelId: s.panelId, factor: s.sd && s.sd > 0 ? (t.weight * sign) / s.sd : 0 };
  });
  return { traits: traits.map((t) => ({ traitId: t.trait.id, code: t.trait.code, weight: t.weight })), factors };
}

// Percentiles of current predictions, per trait: within the animal's breed (across farms) and within
// its customer, 0–100 by percent_rank, direction-aware — for a trait where lower is better, a lower
// value ranks higher. Every trait of a scoring run in ONE statement (one pass over their current rows,
// one sort); only rows whose percentile changed are written. Runs in the '*' scope (breeds span
// farms), under the traits' scoring locks so concurrent scorings never interleave with it. A batch
// scoring computes its new rows' percentiles with the same columns while loading them (batch-load.ts).
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";

/** Serialises writers of one trait's current predictions (scoring pages, percentiles) until COMMIT. */
export async function lockTraitScoring(tx: Tx, traitId: string): Promise<void> {
  await query(tx, `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 7))`, [`gbv-score:${traitId}`]);
}

/** A prediction's value in ranking order, given the trait row `t`: lower-is-better traits are negated. */
export const rankingValue = (value: string) => `CASE WHEN t.higher_is_better THEN ${value} ELSE -${value} END`;

/**
 * The percentile columns pb (within breed) and pc (within customer) over rows that have trait_id,
 * breed, customer_id and v (the ranking value) — one definition for the recomputation below and the
 * batch load. Ties share a percentile, as value DESC would order them.
 */
export const PERCENTILE_COLUMNS = `
  round((100 * percent_rank() OVER (PARTITION BY trait_id, breed ORDER BY v))::numeric, 4)::float8 AS pb,
  round((100 * percent_rank() OVER (PARTITION BY trait_id, customer_id ORDER BY v))::numeric, 4)::float8 AS pc`;

/** Locks the traits in one order (sorted ids), the order every writer uses: no deadlock between them. */
export async function lockTraits(tx: Tx, traitIds: Iterable<string>): Promise<string[]> {
  const traits = [...new Set(traitIds)].sort();
  for (const traitId of traits) await lockTraitScoring(tx, traitId);
  return traits;
}

/**
 * Recomputes the traits' percentiles; returns the customers whose rows changed. The UPDATE names the
 * rows it ranks (trait, current) again for its target: without that its join read every partition's
 * rows, history included — a third of the statement with one version of history (EXPLAIN ANALYZE).
 */
export async function recomputePercentiles(tx: Tx, traitIds: string | readonly string[]): Promise<string[]> {
  const traits = await lockTraits(tx, typeof traitIds === "string" ? [traitIds] : traitIds);
  if (traits.length === 0) return [];
  const [changed] = await query<{ customers: string[] | null }>(
    tx,
    `WITH v AS (
       SELECT p.model_id, p.genotype_id, p.trait_id, p.customer_id, a.breed, ${rankingValue("p.value")} AS v
         FROM gbv_predictions p
         JOIN gbv_traits t ON t.id = p.trait_id
         JOIN animals a ON a.id = p.animal_id
        WHERE p.trait_id = ANY($1::uuid[]) AND p.is_current),
     ranked AS (SELECT model_id, genotype_id, ${PERCENTILE_COLUMNS} FROM v),
     changed AS (
       UPDATE gbv_predictions p SET percentile_breed = r.pb, percentile_customer = r.pc
         FROM ranked r
        WHERE p.model_id = r.model_id AND p.genotype_id = r.genotype_id
          AND p.trait_id = ANY($1::uuid[]) AND p.is_current
          AND (p.percentile_breed IS DISTINCT FROM r.pb OR p.percentile_customer IS DISTINCT FROM r.pc)
       RETURNING p.customer_id)
     SELECT array_agg(DISTINCT customer_id::text) AS customers FROM changed`,
    [traits],
  );
  return changed?.customers ?? [];
}

// Percentiles of current predictions, per trait: within the animal's breed (across farms) and within
// its customer, 0–100 by percent_rank, direction-aware — for a trait where lower is better, a lower
// value ranks higher. Only rows whose percentile changed are written. Runs in the '*' scope (breeds
// span farms), under the trait's scoring lock so concurrent scorings never interleave with it.
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";

/** Serialises writers of one trait's current predictions (scoring pages, percentiles) until COMMIT. */
export async function lockTraitScoring(tx: Tx, traitId: string): Promise<void> {
  await query(tx, `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 7))`, [`gbv-score:${traitId}`]);
}

/** Recomputes the trait's percentiles; returns the customers whose rows changed. */
export async function recomputePercentiles(tx: Tx, traitId: string): Promise<string[]> {
  await lockTraitScoring(tx, traitId);
  const [trait] = await query<{ higherIsBetter: boolean }>(
    tx,
    `SELECT higher_is_better AS "higherIsBetter" FROM gbv_traits WHERE id = $1::uuid`,
    [traitId],
  );
  const order = trait?.higherIsBetter === false ? "DESC" : "ASC";
  const [changed] = await query<{ customers: string[] | null }>(
    tx,
    `WITH ranked AS (
       SELECT p.id,
              round((100 * percent_rank() OVER (PARTITION BY a.breed ORDER BY p.value ${order}))::numeric, 4)::float8 AS pb,
              round((100 * percent_rank() OVER (PARTITION BY p.customer_id ORDER BY p.value ${order}))::numeric, 4)::float8 AS pc
       FROM gbv_predictions p JOIN animals a ON a.id = p.animal_id
       WHERE p.trait_id = $1::uuid AND p.is_current),
     changed AS (
       UPDATE gbv_predictions p SET percentile_breed = r.pb, percentile_customer = r.pc
       FROM ranked r
       WHERE p.id = r.id AND (p.percentile_breed IS DISTINCT FROM r.pb OR p.percentile_customer IS DISTINCT FROM r.pc)
       RETURNING p.customer_id)
     SELECT array_agg(DISTINCT customer_id::text) AS customers FROM changed`,
    [traitId],
  );
  return changed?.customers ?? [];
}

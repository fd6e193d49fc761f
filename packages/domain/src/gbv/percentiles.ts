// Percentiles of current predictions, per trait: within the animal's breed (across farms) and within
// its customer, 0–100 by percent_rank, direction-aware — for a trait where lower is better, a lower
// value ranks higher. Every trait of a scoring run in ONE statement (one pass over their current rows
// through the (trait_id, is_current) index, one sort); only rows whose percentile changed are
// written. Runs in the '*' scope (breeds span farms), under the traits' scoring locks so concurrent
// scorings never interleave with it.
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";

/** Serialises writers of one trait's current predictions (scoring pages, percentiles) until COMMIT. */
export async function lockTraitScoring(tx: Tx, traitId: string): Promise<void> {
  await query(tx, `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 7))`, [`gbv-score:${traitId}`]);
}

/** Recomputes the traits' percentiles; returns the customers whose rows changed. */
export async function recomputePercentiles(tx: Tx, traitIds: string | readonly string[]): Promise<string[]> {
  // The same lock order as the scoring pages' (sorted trait ids): no deadlock between them.
  const traits = [...new Set(typeof traitIds === "string" ? [traitIds] : traitIds)].sort();
  if (traits.length === 0) return [];
  for (const traitId of traits) await lockTraitScoring(tx, traitId);
  // Lower-is-better traits rank on the negated value: the same order as value DESC, ties included.
  const [changed] = await query<{ customers: string[] | null }>(
    tx,
    `WITH v AS (
       SELECT p.id, p.trait_id, p.customer_id, a.breed,
              CASE WHEN t.higher_is_better THEN p.value ELSE -p.value END AS v
         FROM gbv_predictions p
         JOIN gbv_traits t ON t.id = p.trait_id
         JOIN animals a ON a.id = p.animal_id
        WHERE p.trait_id = ANY($1::uuid[]) AND p.is_current),
     ranked AS (
       SELECT id,
              round((100 * percent_rank() OVER (PARTITION BY trait_id, breed ORDER BY v))::numeric, 4)::float8 AS pb,
              round((100 * percent_rank() OVER (PARTITION BY trait_id, customer_id ORDER BY v))::numeric, 4)::float8 AS pc
         FROM v),
     changed AS (
       UPDATE gbv_predictions p SET percentile_breed = r.pb, percentile_customer = r.pc
         FROM ranked r
        WHERE p.id = r.id AND (p.percentile_breed IS DISTINCT FROM r.pb OR p.percentile_customer IS DISTINCT FROM r.pc)
       RETURNING p.customer_id)
     SELECT array_agg(DISTINCT customer_id::text) AS customers FROM changed`,
    [traits],
  );
  return changed?.customers ?? [];
}

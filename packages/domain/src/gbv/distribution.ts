// gbv.distribution: per breed, the histogram and summary statistics of one trait's current GBVs over
// the call's scope, all computed in ONE SQL statement.
// - The bins are `bins` equal-width intervals over the range [min, max] of the WHOLE scope (every
//   breed), so the histograms of different breeds share their edges and can be compared; bin i
//   (1-based) holds lo + (i−1)·w ≤ x < lo + i·w, the last bin also holds max (width_bucket's overflow
//   bucket folded in). When every value is equal, everything is in bin 1.
// - Summary: n, mean, SD (sample SD, n − 1; null for one animal), min, quartiles (percentile_cont:
//   linear interpolation between order statistics), max.
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { breedSchema } from "../animals/schemas";
import { query, Sql } from "../animals/sql";
import { getTrait, traitCodeSchema } from "./traits";

export const distributionInput = z.object({
  customerId: z.uuid().optional(),
  trait: traitCodeSchema,
  /** Only this breed (the bins still span the scope's range over every breed). */
  breed: breedSchema.optional(),
  bins: z.number().int().min(2).max(100).default(20),
});
export type DistributionInput = z.output<typeof distributionInput>;

const binSchema = z.object({ from: z.number(), to: z.number(), count: z.number().int() });

export const breedDistributionSchema = z.object({
  breed: z.string(),
  n: z.number().int(),
  mean: z.number(),
  sd: z.number().nullable(),
  min: z.number(),
  q1: z.number(),
  median: z.number(),
  q3: z.number(),
  max: z.number(),
  histogram: z.array(binSchema),
});

export const distributionSchema = z.object({
  trait: z.object({ code: z.string(), name: z.string(), unit: z.string(), higherIsBetter: z.boolean() }),
  /** The scope's range the bins span (null when the scope has no predictions of the trait). */
  range: z.object({ min: z.number(), max: z.number() }).nullable(),
  bins: z.number().int(),
  breeds: z.array(breedDistributionSchema),
});
export type Distribution = z.infer<typeof distributionSchema>;

interface Row {
  breed: string;
  n: number;
  mean: number;
  sd: number | null;
  min: number;
  q: [number, number, number];
  max: number;
  lo: number;
  hi: number;
  counts: Record<string, number> | null;
}

export async function distribution(
  tx: Tx,
  customerIds: readonly string[] | "all",
  input: DistributionInput,
): Promise<Distribution> {
  const trait = await getTrait(tx, { code: input.trait });
  const q = new Sql();
  const scope = customerIds === "all" ? "" : `AND p.customer_id = ANY(${q.p(customerIds)}::uuid[])`;
  const bins = q.p(input.bins);
  const breed = input.breed ? `WHERE v.breed = ${q.p(input.breed)}` : "";
  const rows = await query<Row>(
    tx,
    `WITH v AS (
       SELECT a.breed, p.value FROM gbv_predictions p JOIN animals a ON a.id = p.animal_id
        WHERE p.is_current AND p.trait_id = ${q.p(trait.id)}::uuid ${scope}),
     r AS (SELECT min(value) AS lo, max(value) AS hi FROM v),
     sel AS (SELECT v.* FROM v ${breed}),
     h AS (
       SELECT sel.breed,
              CASE WHEN r.hi > r.lo THEN least(width_bucket(sel.value, r.lo, r.hi, ${bins}::int), ${bins}::int) ELSE 1 END AS bin,
              count(*)::int AS n
         FROM sel, r GROUP BY 1, 2),
     s AS (
       SELECT breed, count(*)::int AS n, avg(value) AS mean, stddev_samp(value) AS sd, min(value) AS min,
              percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY value) AS q, max(value) AS max
         FROM sel GROUP BY breed)
     SELECT s.*, r.lo, r.hi,
            (SELECT json_object_agg(h.bin, h.n) FROM h WHERE h.breed = s.breed) AS counts
       FROM s, r ORDER BY s.breed`,
    q.params,
  );
  const first = rows[0];
  const range = first ? { min: first.lo, max: first.hi } : null;
  const width = range ? (range.max - range.min) / input.bins : 0;
  return {
    trait: { code: trait.code, name: trait.name, unit: trait.unit, higherIsBetter: trait.higherIsBetter },
    range,
    bins: input.bins,
    breeds: rows.map((row) => ({
      breed: row.breed,
      n: row.n,
      mean: row.mean,
      sd: row.sd,
      min: row.min,
      q1: row.q[0],
      median: row.q[1],
      q3: row.q[2],
      max: row.max,
      histogram: Array.from({ length: input.bins }, (_, i) => ({
        from: range!.min + i * width,
        to: i === input.bins - 1 ? range!.max : range!.min + (i + 1) * width,
        count: row.counts?.[String(i + 1)] ?? 0,
      })),
    })),
  };
}

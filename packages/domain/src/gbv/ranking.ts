// gbv.ranking: the top N animals (N ≤ 500) by one trait's current GBV or by a selection index, over
// the call's scope (one farm, or every farm a staff member reaches), with animal filters, computed
// in ONE SQL statement. The N rows are the best N by value ("best" follows the trait's direction;
// an index is always larger-is-better, see selection-index.ts); `sort`/`order` then order those N
// rows for the table (rank stays the position by value).
// Percentiles: for a trait, the stored ones (the scorer's, among current predictions within the
// animal's breed / its customer); for an index, computed here the same way over the scope's animals
// that have an index value (before the animal filters, so filtering does not move them).
// Reliability of an index: the mean of its traits' reliabilities weighted by |weight| (an
// approximation; the exact one needs the traits' genetic correlations, which no model records).
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { animalStatusSchema, breedSchema, isoDateSchema, sexSchema } from "../animals/schemas";
import { query, Sql } from "../animals/sql";
import { getIndex, indexTerms, type IndexTerms } from "./selection-index";
import { getTrait, traitCodeSchema, type Trait } from "./traits";

export const RANKING_SORTS = ["rank", "value", "reliability", "officialId", "name", "birthDate"] as const;
export const RANKING_MAX = 500;

export const rankingInput = z
  .object({
    /** Optional: without it, every customer in the caller's scope. */
    customerId: z.uuid().optional(),
    /** Rank by one trait (its code) … */
    trait: traitCodeSchema.optional(),
    /** … or by a selection index (a shared default or one of the farm's own). */
    indexId: z.uuid().optional(),
    breed: breedSchema.optional(),
    sex: sexSchema.optional(),
    status: animalStatusSchema.optional(),
    bornFrom: isoDateSchema.optional(),
    bornTo: isoDateSchema.optional(),
    minReliability: z.number().min(0).max(1).optional(),
    limit: z.number().int().min(1).max(RANKING_MAX).default(50),
    sort: z.enum(RANKING_SORTS).default("rank"),
    /** Default: ascending for rank, official ID and name, descending for the rest. */
    order: z.enum(["asc", "desc"]).optional(),
  })
  .refine((i) => (i.trait === undefined) !== (i.indexId === undefined), {
    message: "Rank by exactly one of trait (a trait code) or indexId",
    path: ["trait"],
  });
export type RankingInput = z.output<typeof rankingInput>;

export const rankingRowSchema = z.object({
  /** 1 = best by value in the filtered set. */
  rank: z.number().int(),
  animalId: z.uuid(),
  customerId: z.uuid(),
  officialId: z.string(),
  name: z.string().nullable(),
  herdTag: z.string().nullable(),
  breed: z.string(),
  sex: sexSchema,
  birthDate: z.string(),
  status: animalStatusSchema,
  value: z.number(),
  reliability: z.number(),
  percentileBreed: z.number().nullable(),
  percentileCustomer: z.number().nullable(),
});
export type RankingRow = z.infer<typeof rankingRowSchema>;

export const rankingSchema = z.object({
  by: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("trait"),
      code: z.string(),
      name: z.string(),
      unit: z.string(),
      higherIsBetter: z.boolean(),
    }),
    z.object({ kind: z.literal("index"), id: z.uuid(), name: z.string(), weights: z.record(z.string(), z.number()) }),
  ]),
  /** Animals matching the filters that have a value (the rows are the first `limit` of them). */
  total: z.number().int(),
  rows: z.array(rankingRowSchema),
});
export type Ranking = z.infer<typeof rankingSchema>;

const ORDER_COLUMN: Record<(typeof RANKING_SORTS)[number], string> = {
  rank: "rank",
  value: "value",
  reliability: "reliability",
  officialId: `"officialId"`,
  name: "name",
  birthDate: `"birthDate"`,
};

/** Scope filter on a customer_id column ("all" adds none; row-level security applies anyway). */
function scopeFilter(q: Sql, column: string, customerIds: readonly string[] | "all"): string {
  return customerIds === "all" ? "" : `AND ${column} = ANY(${q.p(customerIds)}::uuid[])`;
}

function animalFilters(q: Sql, input: RankingInput): string {
  const where: string[] = [];
  if (input.breed) where.push(`a.breed = ${q.p(input.breed)}`);
  if (input.sex) where.push(`a.sex = ${q.p(input.sex)}::"Sex"`);
  if (input.status) where.push(`a.status = ${q.p(input.status)}::"AnimalStatus"`);
  if (input.bornFrom) where.push(`a.birth_date >= ${q.p(input.bornFrom)}::date`);
  if (input.bornTo) where.push(`a.birth_date <= ${q.p(input.bornTo)}::date`);
  if (input.minReliability !== undefined) where.push(`b.reliability >= ${q.p(input.minReliability)}`);
  return where.length ? `WHERE ${where.join(" AND ")}` : "";
}

/** The per-animal values (animal_id, customer_id, value, reliability, pb, pc) of a trait. */
function traitBase(q: Sql, trait: Trait, customerIds: readonly string[] | "all"): string {
  return `SELECT p.animal_id, p.customer_id, p.value, p.reliability,
                 p.percentile_breed AS pb, p.percentile_customer AS pc
            FROM gbv_predictions p
           WHERE p.is_current AND p.trait_id = ${q.p(trait.id)}::uuid ${scopeFilter(q, "p.customer_id", customerIds)}`;
}

/** The same for an index: Σ factor·GBV per animal having every weighted trait, percentiles over the scope. */
function indexBase(q: Sql, terms: IndexTerms, customerIds: readonly string[] | "all"): string {
  const traitIds = q.p(terms.traits.map((t) => t.traitId));
  const weights = q.p(terms.traits.map((t) => t.weight));
  const fTraits = q.p(terms.factors.map((f) => f.traitId));
  const fPanels = q.p(terms.factors.map((f) => f.panelId));
  const fValues = q.p(terms.factors.map((f) => f.factor));
  return `WITH w(trait_id, weight) AS (SELECT * FROM unnest(${traitIds}::uuid[], ${weights}::float8[])),
               f(trait_id, panel_id, factor) AS (SELECT * FROM unnest(${fTraits}::uuid[], ${fPanels}::uuid[], ${fValues}::float8[])),
               v AS (
                 SELECT p.animal_id, p.customer_id,
                        sum(p.value * coalesce(f.factor, 0)) AS value,
                        sum(abs(w.weight) * p.reliability) / sum(abs(w.weight)) AS reliability
                   FROM gbv_predictions p
                   JOIN w ON w.trait_id = p.trait_id
                   JOIN gbv_models m ON m.id = p.model_id
                   LEFT JOIN f ON f.trait_id = p.trait_id AND f.panel_id = m.panel_id
                  WHERE p.is_current ${scopeFilter(q, "p.customer_id", customerIds)}
                  GROUP BY p.animal_id, p.customer_id
                 HAVING count(*) = ${q.p(terms.traits.length)})
          SELECT v.*, 100 * percent_rank() OVER (PARTITION BY a.breed ORDER BY v.value) AS pb,
                      100 * percent_rank() OVER (PARTITION BY v.customer_id ORDER BY v.value) AS pc
            FROM v JOIN animals a ON a.id = v.animal_id`;
}

/** Resolves what to rank by (a trait or an index visible to the scope); NOT_FOUND otherwise. */
export async function rankingSubject(tx: Tx, input: Pick<RankingInput, "trait" | "indexId">) {
  if (input.trait !== undefined) {
    const trait = await getTrait(tx, { code: input.trait });
    return { kind: "trait" as const, trait };
  }
  const index = await getIndex(tx, input.indexId!);
  return { kind: "index" as const, index };
}

export async function ranking(tx: Tx, customerIds: readonly string[] | "all", input: RankingInput): Promise<Ranking> {
  const subject = await rankingSubject(tx, input);
  const q = new Sql();
  let base: string;
  let best: "ASC" | "DESC" = "DESC";
  let by: Ranking["by"];
  if (subject.kind === "trait") {
    const { trait } = subject;
    base = traitBase(q, trait, customerIds);
    best = trait.higherIsBetter ? "DESC" : "ASC";
    by = { kind: "trait", code: trait.code, name: trait.name, unit: trait.unit, higherIsBetter: trait.higherIsBetter };
  } else {
    const { index } = subject;
    base = indexBase(q, await indexTerms(tx, index.weights), customerIds);
    by = { kind: "index", id: index.id, name: index.name, weights: index.weights };
  }
  const where = animalFilters(q, input);
  const limit = q.p(input.limit);
  const order = (input.order ?? (["rank", "officialId", "name"].includes(input.sort) ? "asc" : "desc")).toUpperCase();
  const rows = await query<RankingRow & { total: number }>(
    tx,
    `WITH b AS (${base}),
          ranked AS (
            SELECT (row_number() OVER (ORDER BY b.value ${best}, a.id))::int AS rank, count(*) OVER ()::int AS total,
                   a.id::text AS "animalId", a.customer_id::text AS "customerId", a.official_id AS "officialId",
                   a.name, a.herd_tag AS "herdTag", a.breed, a.sex::text AS sex,
                   to_char(a.birth_date, 'YYYY-MM-DD') AS "birthDate", a.status::text AS status,
                   b.value, b.reliability, b.pb AS "percentileBreed", b.pc AS "percentileCustomer"
              FROM b JOIN animals a ON a.id = b.animal_id
             ${where}
             ORDER BY b.value ${best}, a.id
             LIMIT ${limit})
     SELECT * FROM ranked ORDER BY ${ORDER_COLUMN[input.sort]} ${order} NULLS LAST, rank`,
    q.params,
  );
  return { by, total: rows[0]?.total ?? 0, rows: rows.map(({ total: _total, ...row }) => row) };
}

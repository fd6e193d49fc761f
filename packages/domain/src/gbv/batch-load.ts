// How the gbv-score job stores a publication's predictions. The panel's pages are read and scored
// first (the scores are small: 16 bytes per genotype and model) and kept in a PanelScores; then ONE
// transaction per model takes the trait's scoring lock, puts the scores in a temporary table, turns
// the animals' earlier GBVs of the trait into history, writes the model's rows with their
// percentiles into a new partition while it is still a plain table (no index, no foreign key) and
// attaches it — PostgreSQL builds its indexes in one pass and checks its foreign keys with one query
// each, under locks on the referenced tables held until COMMIT, so the attach comes last
// (migration 20261206000000_gbv_predictions_by_model). Per-row index and foreign-key work was what
// made a page-by-page insert ~7× the scoring kernel (bench:gbv). The models of a job load side by
// side (scoring.ts); their attaches queue on the parent table's lock, each until the one before
// commits. A trait's scoring lock is held for its load only (a few hundred ms per 10,000 animals),
// not while the panel is read. No read is open while a load transaction runs: the embedded PGlite
// has one session that cannot interleave two transactions.
// All or nothing per trait: a crash rolls the model's load back (partition included) and the
// retried job redoes it; readers see the previous model's GBVs of the trait until the COMMIT and the
// new ones from then on.
import type { Tx } from "@reprotech/db";
import { query } from "../animals/sql";
import type { GenotypePage } from "./genotype-pages";
import type { ScoringModel } from "./model-store";
import { PERCENTILE_COLUMNS, lockTraits, rankingValue } from "./percentiles";

/** Values and reliabilities of one page, one array per model (as scorePage returns them). */
export interface ScoredPage {
  values: Float64Array[];
  rel: Float64Array[];
}

/** A panel's scores of `models` (in this order, as scorePage returns them), page by page, until the load. */
export class PanelScores {
  /** Every page's genotypes, in page order (gathered once for all the models' loads). */
  readonly genotypeIds: string[] = [];
  private readonly pages: ScoredPage[] = [];

  constructor(readonly models: readonly ScoringModel[]) {}

  add(page: Pick<GenotypePage, "genotypeIds">, scored: ScoredPage): void {
    for (const id of page.genotypeIds) this.genotypeIds.push(id);
    this.pages.push(scored);
  }

  /** One model's values and reliabilities over every page, aligned with genotypeIds. */
  column(model: ScoringModel): { values: Float64Array; rel: Float64Array } {
    const col = this.models.indexOf(model);
    if (col < 0) throw new Error(`model ${model.id} was not scored with this panel`);
    const values = new Float64Array(this.genotypeIds.length);
    const rel = new Float64Array(this.genotypeIds.length);
    let at = 0;
    for (const page of this.pages) {
      values.set(page.values[col]!, at);
      rel.set(page.rel[col]!, at);
      at += page.values[col]!.length;
    }
    return { values, rel };
  }
}

/** The models that already have predictions (a partition): a retried job, or a run that finished first. */
export async function modelsWithPredictions(tx: Tx, models: readonly ScoringModel[]): Promise<Set<string>> {
  const rows = await query<{ id: string }>(
    tx,
    `SELECT id::text AS id FROM gbv_models
      WHERE id = ANY($1::uuid[]) AND to_regclass(gbv_predictions_partition(id)) IS NOT NULL`,
    [models.map((m) => m.id)],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Stores the panel's scores of `model`. Returns the number of predictions written, or null when the
 * model has predictions by now (a concurrent run loaded first, whole): the job then scores only what
 * it is missing (scoring.ts, scoreMissing). Genotypes that stopped being current while the job ran
 * get no GBV (a newer genotype's is on its way).
 */
export async function loadBatch(tx: Tx, model: ScoringModel, scores: PanelScores): Promise<number | null> {
  const { values, rel } = scores.column(model);
  await lockTraits(tx, [model.traitId]);
  const [row] = await query<{ published: boolean; partitioned: boolean }>(
    tx,
    `SELECT status = 'published' AS published, to_regclass(gbv_predictions_partition(id)) IS NOT NULL AS partitioned
       FROM gbv_models WHERE id = $1::uuid`,
    [model.id],
  );
  if (row?.partitioned) return null;
  // A model retired meanwhile is left out, so the load never revives it.
  if (!row?.published) return 0;
  // Which genotypes are still current is decided once, here: the flip and the insert below use this
  // set, so no animal can end with two current GBVs of the trait, or none, if a genotype changes
  // meanwhile (a newer one's scoring waits for the trait lock and supersedes these rows).
  await query(
    tx,
    `CREATE TEMP TABLE gbv_loaded ON COMMIT DROP AS
       SELECT s.genotype_id, g.animal_id, g.customer_id, a.breed, s.value, s.reliability
         FROM unnest($1::uuid[], $2::float8[], $3::float8[]) AS s(genotype_id, value, reliability)
         JOIN genotypes g ON g.id = s.genotype_id AND g.is_current
         JOIN animals a ON a.id = g.animal_id`,
    [scores.genotypeIds, Array.from(values), Array.from(rel)],
  );
  return writeLoaded(tx, model);
}

/**
 * The load's last steps: history flip, the model's partition with the percentiles of its rows (and of
 * the trait's other current GBVs, which the new rows move), then the attach, last: attaching clones
 * the parent's foreign keys, which locks the five referenced tables (customers, animals, genotypes,
 * traits, models) against writes until COMMIT, so nothing may follow it.
 */
async function writeLoaded(tx: Tx, model: ScoringModel): Promise<number> {
  // A temporary table has no statistics until analysed: without them the statements below were
  // planned for a few rows and took ~1.5× as long.
  await query(tx, `ANALYZE gbv_loaded`, []);
  // The animals' earlier current GBVs of the trait become history (HOT updates: is_current is in no
  // index).
  await query(
    tx,
    `UPDATE gbv_predictions p SET is_current = false FROM gbv_loaded l
      WHERE p.animal_id = l.animal_id AND p.trait_id = $1::uuid AND p.is_current`,
    [model.traitId],
  );
  const [{ partition } = { partition: "" }] = await query<{ partition: string }>(
    tx,
    `SELECT gbv_predictions_stage($1::uuid) AS partition`,
    [model.id],
  );
  // Percentiles over the trait's current GBVs once these rows join them: this model's and those of
  // animals it does not score (genotyped on another panel), whose changed percentiles are rewritten.
  // That rewrite is gated on there being any: otherwise its join still read and sorted every
  // partition's rows, history included — 100–200 ms of a load with eight partitions, growing with
  // every model version (EXPLAIN ANALYZE on a bench:gbv database).
  const [row] = await query<{ n: number }>(
    tx,
    `WITH v AS (
       SELECT true AS mine, $1::uuid AS model_id, l.customer_id, l.animal_id, l.genotype_id, l.value, l.reliability,
              l.breed, t.id AS trait_id, ${rankingValue("l.value")} AS v
         FROM gbv_loaded l CROSS JOIN gbv_traits t
        WHERE t.id = $2::uuid
       UNION ALL
       SELECT false, p.model_id, p.customer_id, p.animal_id, p.genotype_id, p.value, p.reliability, a.breed,
              p.trait_id, ${rankingValue("p.value")}
         FROM gbv_predictions p JOIN animals a ON a.id = p.animal_id JOIN gbv_traits t ON t.id = p.trait_id
        WHERE p.trait_id = $2::uuid AND p.is_current),
     ranked AS (SELECT *, ${PERCENTILE_COLUMNS} FROM v),
     written AS (
       INSERT INTO "${partition}" (customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability,
                                   percentile_breed, percentile_customer, is_current)
       SELECT customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability, pb, pc, true
         FROM ranked WHERE mine
       RETURNING 1),
     reranked AS (
       UPDATE gbv_predictions p SET percentile_breed = r.pb, percentile_customer = r.pc
         FROM ranked r
        WHERE NOT r.mine AND p.model_id = r.model_id AND p.genotype_id = r.genotype_id
          AND p.trait_id = $2::uuid AND p.is_current
          AND (p.percentile_breed IS DISTINCT FROM r.pb OR p.percentile_customer IS DISTINCT FROM r.pc)
          AND EXISTS (SELECT 1 FROM ranked WHERE NOT mine)
       RETURNING 1)
     SELECT (SELECT count(*)::int FROM written) AS n, (SELECT count(*)::int FROM reranked) AS reranked`,
    [model.id, model.traitId],
  );
  // The attaches of a job's loads queue here, each until the one before commits (ATTACH takes this
  // lock on the parent; DML does not wait for it): waited for first, so that the time limit below
  // counts outside writers only.
  await query(tx, `LOCK TABLE ONLY gbv_predictions IN SHARE UPDATE EXCLUSIVE MODE`, []);
  // A writer of the referenced tables that holds its lock longer fails the load (the job retries)
  // rather than queueing every other writer behind the waiting attach.
  await query(tx, `SELECT set_config('lock_timeout', '5s', true) AS lock_timeout`, []);
  await query(tx, `SELECT gbv_predictions_attach($1::uuid) AS partition`, [model.id]);
  return row?.n ?? 0;
}

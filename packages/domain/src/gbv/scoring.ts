// Scoring genotypes with published models: the genomics library's table-lookup kernel
// (scoreGenotypes) over pages of packed rows (read as raw bytes by COPY, genotype-pages.ts),
// reliabilities from the library (per-animal PEV approximation when the model carries reference
// information, Daetwyler's expectation otherwise). Two entry points:
// - scoreModelsBatch: the gbv-score job after a publication — every current genotype on the panel,
//   all tenants, in pages of PAGE_SIZE rows cut from one COPY (never the whole panel's genotypes in
//   memory, only their scores), stored by one batch load per model, two side by side (batch-load.ts:
//   a new partition per model, percentiles included), then every customer's GBV cache. While the
//   kernel scores a page on the kernel threads (a default KernelPool: two on this machine, where one
//   made the job ~5% slower, bench:gbv 3 alternated runs each), the event loop reads the next.
// - scoreUpload: right after a genotype ingest (jobs.ts) — the upload's stored genotypes with every
//   published model of its panel, in the customer's own scope, then percentiles and the caches of the
//   customers whose answers changed; scoreAssignedGenotypes: the same for given genotypes (a sample assigned
//   by hand, genotypes.uploads.assignSample).
// Writes are idempotent (one prediction per model and genotype: a re-run of an upload's scoring
// rewrites the same rows; a re-run of the job writes only what a loaded model is missing) and
// crash-safe (a model's batch load commits whole; outside it each page commits alone; a retried job
// redoes what is missing). Writers take the traits' scoring locks and check the model is still
// published and the genotype still current, so a late page can neither revive a retired model nor
// make an outdated genotype's GBV current. A model whose batch load has not committed yet has no partition: page
// writes leave it out, and the batch covers them (its COPY, or right after its load the genotypes
// stored since).
import type { Cache } from "@reprotech/cache";
import { withSystem, withSystemClient, withTenant, withTenantClient, type PrismaClient, type Tx } from "@reprotech/db";
import {
  KernelPool,
  approximateReliability,
  daetwylerReliability,
  scoreGenotypes,
  scoreGenotypesAsync,
  type PackedMatrix,
} from "@reprotech/genomics";
import type pg from "pg";
import { query } from "../animals/sql";
import { loadBatch, modelsWithPredictions, PanelScores, type ScoredPage } from "./batch-load";
import { invalidateGbv } from "./cache";
import { PageBuffers } from "./copy-packed-rows";
import { PAGE_SIZE, genotypePages, readGenotypePage, type GenotypePage } from "./genotype-pages";
import { inLanes } from "./in-lanes";
import { loadScoringModels, type ScoringModel } from "./model-store";
import { lockTraits, recomputePercentiles } from "./percentiles";

export interface ScoreOutcome {
  models: number;
  genotypes: number;
  predictions: number;
}

/** Where a batch's time went (milliseconds), for the log and the benchmark. */
export interface ScorePhases {
  readMs: number;
  scoreMs: number;
  writeMs: number;
  percentilesMs: number;
}

/** The database a scoring run reads and writes: Prisma for the writes, the pool for COPY reads. */
export interface ScoringDb {
  db: PrismaClient;
  pool: pg.Pool;
}

/**
 * Values (one array per model) and reliabilities of one page. With a kernel pool the kernel runs on
 * its thread (the event loop stays free to read the next page), without it in this thread.
 */
export async function scorePage(
  m: PackedMatrix,
  models: readonly ScoringModel[],
  kernels?: KernelPool,
): Promise<ScoredPage> {
  const values: Float64Array[] = models.map(() => new Float64Array(m.nSamples));
  // Models sharing their allele frequencies (say, imported effects centred on the same genotypes) go
  // through the kernel together: one pass over the bytes scores up to four traits at once.
  const groups: number[][] = [];
  models.forEach((model, t) => {
    const same = groups.find((ts) => sameFreqs(models[ts[0]!]!.alleleFreqs, model.alleleFreqs));
    if (same) same.push(t);
    else groups.push([t]);
  });
  for (const ts of groups) {
    const k = ts.length;
    const p = models[ts[0]!]!.alleleFreqs;
    const effects = ts.map((t) => models[t]!.effects);
    const intercepts = ts.map((t) => models[t]!.intercept);
    const out = kernels
      ? await scoreGenotypesAsync(m, p, effects, { intercepts, pool: kernels })
      : scoreGenotypes(m, p, effects, { intercepts });
    ts.forEach((t, c) => {
      const v = values[t]!;
      for (let r = 0; r < m.nSamples; r++) v[r] = out[r * k + c]!;
    });
  }
  const rel = models.map((model) => reliabilities(m, model));
  return { values, rel };
}

function sameFreqs(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j] && !(Number.isNaN(a[j]!) && Number.isNaN(b[j]!))) return false;
  return true;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** Per-animal reliabilities of a model for the page's animals. */
export function reliabilities(m: PackedMatrix, model: ScoringModel): Float64Array {
  const r = model.reliability;
  const out = new Float64Array(m.nSamples);
  if (r?.method === "pev") {
    const approx = approximateReliability(
      m,
      { p: model.alleleFreqs, snpMask: r.snpMask, lambda: r.lambda, snpInformation: r.snpInformation },
      r.mEff === undefined ? {} : { mEff: r.mEff },
    );
    for (let i = 0; i < out.length; i++) out[i] = clamp01(approx[i]!);
  } else if (r?.method === "daetwyler") {
    out.fill(clamp01(daetwylerReliability(r.nReference, r.h2, r.mEff)));
  }
  // No reliability information: 0, i.e. "not known to be reliable", never invented.
  return out;
}

/**
 * The page's values and reliabilities of the models at `cols`, model after model (column c of a page
 * of n genotypes at c·n … c·n + n − 1), as writePage's INSERT unnests them.
 */
function pageColumns(scored: ScoredPage, cols: readonly number[], n: number) {
  const values = new Float64Array(cols.length * n);
  const rel = new Float64Array(cols.length * n);
  cols.forEach((t, c) => {
    values.set(scored.values[t]!, c * n);
    rel.set(scored.rel[t]!, c * n);
  });
  return { values, rel };
}

/**
 * Writes one page's predictions for the models (in the transaction's scope): one UPDATE turning the
 * page's animals' earlier current GBVs into history and one INSERT of every (genotype, model) row,
 * whatever the number of models — statement and round-trip costs are paid once per page. Returns how
 * many rows were written. The traits are locked in a fixed order first, so two writers never deadlock.
 */
async function writePage(tx: Tx, page: GenotypePage, models: readonly ScoringModel[], scored: ScoredPage) {
  await lockTraits(
    tx,
    models.map((m) => m.traitId),
  );
  // Under the locks: a model retired meanwhile is left out, so a late page never revives it; so is a
  // model whose batch load has not committed (it has no partition yet, and the load covers the page).
  const live = new Set(
    (
      await query<{ id: string }>(
        tx,
        `SELECT id::text AS id FROM gbv_models WHERE id = ANY($1::uuid[]) AND status = 'published'
            AND to_regclass(gbv_predictions_partition(id)) IS NOT NULL`,
        [models.map((m) => m.id)],
      )
    ).map((r) => r.id),
  );
  const cols = models.map((_, t) => t).filter((t) => live.has(models[t]!.id));
  if (cols.length === 0) return 0;
  const n = page.genotypeIds.length;
  const { values, rel } = pageColumns(scored, cols, n);
  const modelIds = cols.map((t) => models[t]!.id);
  const traitIds = cols.map((t) => models[t]!.traitId);
  // The page's genotypes that are still current (an outdated genotype's GBV never becomes current),
  // with their position in the page; the models with theirs.
  const pageRows = `SELECT g.id, g.animal_id, g.customer_id, r.i
       FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, i) JOIN genotypes g ON g.id = r.id AND g.is_current`;
  const modelRows = `unnest($2::uuid[], $3::uuid[]) WITH ORDINALITY AS m(model_id, trait_id, c)`;
  // A first scoring (no row of these models for these genotypes yet — the usual case) inserts plainly;
  // a re-run (a retried ingest's scoring, say) rewrites its rows in place. Nothing else can add rows
  // for these models meanwhile: their traits are locked.
  const [rerun] = await query<{ any: boolean }>(
    tx,
    `SELECT EXISTS (SELECT 1 FROM gbv_predictions WHERE model_id = ANY($1::uuid[]) AND genotype_id = ANY($2::uuid[])) AS any`,
    [modelIds, page.genotypeIds],
  );
  // ONE statement, so the flip and the insert see the same current genotypes: the animal's earlier
  // current GBV for the trait becomes history (not this very row: re-runs keep it) and the new one is
  // written — never two current GBVs of a trait, nor none, if a genotype changes meanwhile.
  const rows = await query<{ n: number }>(
    tx,
    `WITH g AS (${pageRows}),
     flipped AS (
       UPDATE gbv_predictions p SET is_current = false
         FROM g, ${modelRows}
        WHERE p.animal_id = g.animal_id AND p.trait_id = m.trait_id AND p.is_current
          AND NOT (p.model_id = m.model_id AND p.genotype_id = g.id)
       RETURNING 1),
     written AS (
       INSERT INTO gbv_predictions (customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability, is_current)
       SELECT g.customer_id, g.animal_id, m.trait_id, m.model_id, g.id,
              ($4::float8[])[(m.c - 1) * $6::int + g.i], ($5::float8[])[(m.c - 1) * $6::int + g.i], true
         FROM g CROSS JOIN ${modelRows}
       ${
         rerun?.any
           ? `ON CONFLICT (model_id, genotype_id) DO UPDATE
                SET value = EXCLUDED.value, reliability = EXCLUDED.reliability, is_current = true`
           : ""
       }
       RETURNING 1)
     SELECT count(*)::int AS n FROM written`,
    [page.genotypeIds, modelIds, traitIds, Array.from(values), Array.from(rel), n],
  );
  return rows[0]?.n ?? 0;
}

/** Loads of a job at once: PostgreSQL's two cores here (four lanes were no faster, bench:gbv). */
const LOAD_LANES = 2;
const LOAD_TIMEOUT_MS = 30 * 60_000;

function byPanel(models: ScoringModel[]): Map<string, ScoringModel[]> {
  const out = new Map<string, ScoringModel[]>();
  for (const m of models) out.set(m.panelId, [...(out.get(m.panelId) ?? []), m]);
  return out;
}

/**
 * The panel's current genotypes that a published one of `models` has no prediction for, scored and
 * written like an upload's: stored after a batch load's COPY had read the panel (their ingest's
 * scoring ran before the load committed and found no partition for the model), or after an earlier
 * attempt of the job loaded the model. Everything else a loaded model scores is in its partition.
 * Only the missing (genotype, model) pairs are written: a model that has the genotype's row keeps it.
 * The pairs are a set difference over the models' own partitions: 65–75 ms for 10,000 genotypes ×
 * 4 models with nothing missing, where an anti-join read every partition, history included (90–250 ms).
 */
async function scoreMissing(
  { db, pool }: ScoringDb,
  panelId: string,
  nSnps: number,
  models: readonly ScoringModel[],
): Promise<{ genotypes: number; predictions: number }> {
  const missing = await withSystem(db, (tx) =>
    query<{ id: string; models: string[] }>(
      tx,
      `WITH lacking AS (
         SELECT g.id AS genotype_id, m.id AS model_id
           FROM genotypes g CROSS JOIN gbv_models m
          WHERE g.panel_id = $1::uuid AND g.is_current AND m.id = ANY($2::uuid[]) AND m.status = 'published'
         EXCEPT
         SELECT p.genotype_id, p.model_id FROM gbv_predictions p WHERE p.model_id = ANY($2::uuid[]))
       SELECT genotype_id::text AS id, array_agg(model_id::text ORDER BY model_id) AS models
         FROM lacking GROUP BY genotype_id ORDER BY genotype_id`,
      [panelId, models.map((m) => m.id)],
    ),
  );
  // Genotypes that lack the same models are scored and written together.
  const bySet = new Map<string, { lacking: ScoringModel[]; genotypeIds: string[] }>();
  for (const r of missing) {
    const key = r.models.join(",");
    let set = bySet.get(key);
    if (!set) bySet.set(key, (set = { lacking: models.filter((m) => r.models.includes(m.id)), genotypeIds: [] }));
    set.genotypeIds.push(r.id);
  }
  const out = { genotypes: 0, predictions: 0 };
  for (const { lacking, genotypeIds } of bySet.values())
    for (let i = 0; i < genotypeIds.length; i += PAGE_SIZE) {
      const page = await withSystemClient(pool, (client) =>
        readGenotypePage(client, panelId, nSnps, null, PAGE_SIZE, { genotypeIds: genotypeIds.slice(i, i + PAGE_SIZE) }),
      );
      if (!page) continue;
      const scored = await scorePage(page.matrix, lacking);
      out.predictions += await withSystem(db, (tx) => writePage(tx, page, lacking, scored));
      out.genotypes += page.genotypeIds.length;
    }
  return out;
}

/**
 * Scores a panel's pages as they come: the next page is read while this one is scored on the kernel
 * threads and the previous one stored by `store` (one store at a time, in page order). A scored
 * page's genotypes go back to `buffers`, the reader's, for a page to come: the store gets its ids
 * and scores only.
 */
async function scorePanelPages(
  pages: AsyncGenerator<GenotypePage>,
  models: readonly ScoringModel[],
  kernels: KernelPool,
  store: (page: Omit<GenotypePage, "matrix">, scored: ScoredPage) => Promise<void>,
  lap: (phase: keyof ScorePhases) => void,
  buffers: PageBuffers,
): Promise<void> {
  let next = pages.next();
  let storing: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const { value: page, done } = await next;
      lap("readMs");
      if (done) break;
      next = pages.next();
      // A failed read is reported by the await above on the next turn; until then keep it quiet.
      next.catch(() => {});
      const scored = await scorePage(page.matrix, models, kernels);
      buffers.give(page.matrix.data);
      lap("scoreMs");
      await storing;
      lap("writeMs");
      storing = store(page, scored);
      // Reported by the await above (or below, for the last page); until then keep it quiet.
      storing.catch(() => {});
    }
    await storing;
    lap("writeMs");
  } finally {
    // Stopped early (a failed store): end the COPY, or its connection would wait for a reader forever.
    await pages.return(undefined);
  }
}

/** The gbv-score job: every current genotype on the models' panels, all tenants. */
export async function scoreModelsBatch(
  { db, pool }: ScoringDb,
  modelIds: readonly string[],
  opts: {
    cache?: Cache;
    pageSize?: number;
    onProgress?: (genotypesDone: number) => void | Promise<void>;
    phases?: ScorePhases;
    /** Model loads side by side (default LOAD_LANES); 1 where transactions cannot run side by side. */
    loadLanes?: number;
  } = {},
): Promise<ScoreOutcome> {
  const phases = opts.phases ?? { readMs: 0, scoreMs: 0, writeMs: 0, percentilesMs: 0 };
  let t = performance.now();
  const lap = (phase: keyof ScorePhases) => {
    const now = performance.now();
    phases[phase] += now - t;
    t = now;
  };
  const models = (await withSystem(db, (tx) => loadScoringModels(tx, modelIds))).filter(
    (m) => m.status === "published",
  );
  const outcome: ScoreOutcome = { models: models.length, genotypes: 0, predictions: 0 };
  // Started for the first model that needs a batch load (a retry whose models are all loaded needs none).
  let kernels: KernelPool | undefined;
  const scored = async (n: number) => {
    outcome.genotypes += n;
    await opts.onProgress?.(outcome.genotypes);
  };
  // Percentiles of traits with rows written page by page are recomputed at the end; a batch load
  // writes its own.
  const rerankTraits = new Set<string>();
  try {
    for (const [panelId, group] of byPanel(models)) {
      const nSnps = group[0]!.effects.length;
      // A model with predictions already (an earlier attempt of this job loaded it, or another run)
      // has every genotype of its load: only those stored since are missing (scoreMissing, below).
      const withRows = await withSystem(db, (tx) => modelsWithPredictions(tx, group));
      const fresh = group.filter((m) => !withRows.has(m.id));
      if (fresh.length) {
        // Every current genotype of the panel from one COPY, scored and kept; then a load per model.
        const scores = new PanelScores(fresh);
        const buffers = new PageBuffers();
        const threads = (kernels ??= new KernelPool());
        await withSystemClient(pool, (client) =>
          scorePanelPages(
            genotypePages(client, panelId, nSnps, opts.pageSize ?? PAGE_SIZE, buffers),
            fresh,
            threads,
            async (page, s) => {
              scores.add(page, s);
              await scored(page.genotypeIds.length);
            },
            lap,
            buffers,
          ),
        );
        // Side by side, LOAD_LANES at a time: each load is PostgreSQL's work on one core. A load that
        // finds the model loaded by another run meanwhile (null) leaves it to scoreMissing as well.
        const loaded = await inLanes(fresh, opts.loadLanes ?? LOAD_LANES, (m) =>
          withSystem(db, (tx) => loadBatch(tx, m, scores), { timeout: LOAD_TIMEOUT_MS }),
        );
        lap("writeMs");
        outcome.predictions += loaded.reduce<number>((sum, n) => sum + (n ?? 0), 0);
        for (const [k, m] of fresh.entries()) if (loaded[k] === null) withRows.add(m.id);
      }
      const missing = await scoreMissing({ db, pool }, panelId, nSnps, group);
      outcome.predictions += missing.predictions;
      if (missing.genotypes) await scored(missing.genotypes);
      // Rows written page by page have no percentiles yet; nor may those of a model loaded before
      // this run, if the run that loaded it stopped before its recomputation.
      for (const m of group) if (missing.predictions || withRows.has(m.id)) rerankTraits.add(m.traitId);
    }
  } finally {
    await kernels?.close();
  }
  lap("readMs");
  if (rerankTraits.size)
    await withSystem(db, (tx) => recomputePercentiles(tx, [...rerankTraits]), { timeout: 5 * 60_000 });
  lap("percentilesMs");
  // Every farm's GBVs (and percentiles) may have changed.
  if (opts.cache && models.length) await invalidateGbv(opts.cache, "all");
  return outcome;
}

/** Right after an ingest: the upload's current genotypes with every published model of its panel. */
export function scoreUpload(
  db: ScoringDb,
  payload: { uploadId: string; customerId: string },
  opts: { cache?: Cache } = {},
): Promise<ScoreOutcome> {
  return scoreStored(db, payload.customerId, { uploadId: payload.uploadId }, opts);
}

/**
 * Right after genotypes were stored outside an ingest (a sample assigned by hand): those genotypes,
 * if still current, with every published model of their panels. Run after their COMMIT.
 */
export function scoreAssignedGenotypes(
  db: ScoringDb,
  payload: { customerId: string; genotypeIds: readonly string[] },
  opts: { cache?: Cache } = {},
): Promise<ScoreOutcome> {
  return scoreStored(db, payload.customerId, { genotypeIds: payload.genotypeIds }, opts);
}

/** Stored genotypes of one customer (an upload's, or given ones), in the customer's own scope. */
async function scoreStored(
  { db, pool }: ScoringDb,
  customerId: string,
  only: { uploadId: string } | { genotypeIds: readonly string[] },
  opts: { cache?: Cache },
): Promise<ScoreOutcome> {
  const scope = { customerIds: [customerId], userId: null };
  const outcome: ScoreOutcome = { models: 0, genotypes: 0, predictions: 0 };
  if ("genotypeIds" in only && only.genotypeIds.length === 0) return outcome;
  const found = await withTenant(db, scope, async (tx) => {
    const ids = await query<{ id: string }>(
      tx,
      "uploadId" in only
        ? `SELECT m.id::text AS id FROM gbv_models m JOIN genotype_uploads u ON u.panel_id = m.panel_id
            WHERE u.id = $1::uuid AND u.customer_id = $2::uuid AND m.status = 'published'`
        : `SELECT m.id::text AS id FROM gbv_models m
            WHERE m.status = 'published' AND m.panel_id IN (
              SELECT g.panel_id FROM genotypes g WHERE g.id = ANY($1::uuid[]) AND g.customer_id = $2::uuid)`,
      ["uploadId" in only ? only.uploadId : only.genotypeIds, customerId],
    );
    return ids.length
      ? loadScoringModels(
          tx,
          ids.map((r) => r.id),
        )
      : [];
  });
  outcome.models = found.length;
  if (found.length === 0) return outcome;
  for (const [panelId, group] of byPanel(found)) {
    const nSnps = group[0]!.effects.length;
    let after: string | null = null;
    for (;;) {
      const page = await withTenantClient(pool, scope, (client) =>
        readGenotypePage(client, panelId, nSnps, after, PAGE_SIZE, only),
      );
      if (!page) break;
      // An upload's or one animal's genotypes: too few to be worth a kernel thread.
      const scored = await scorePage(page.matrix, group);
      outcome.predictions += await withTenant(db, scope, (tx) => writePage(tx, page, group, scored));
      outcome.genotypes += page.genotypeIds.length;
      after = page.genotypeIds.at(-1)!;
    }
  }
  // Percentiles within breed span farms: recomputed in the '*' scope; only changed rows are written.
  const changed = new Set<string>([customerId]);
  const customers = await withSystem(db, (tx) => recomputePercentiles(tx, [...new Set(found.map((m) => m.traitId))]));
  for (const c of customers) changed.add(c);
  if (opts.cache) for (const c of changed) await invalidateGbv(opts.cache, c);
  return outcome;
}

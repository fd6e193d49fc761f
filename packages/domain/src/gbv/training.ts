// Training a GBV model in the system (issue 7, "train in the system").
//
// gbv.training.start (startTraining) checks the request in the caller's scope, inserts a gbv_models row
// with status 'training' (model-store's insertModel: next version for the trait and panel) and the
// router enqueues a `gbv-train` job (jobId = model id) after COMMIT. The job (runTraining):
//   1. loading — the set's records of the trait for animals with a current genotype on the panel, in
//      the scope the request was made in (a researcher's consenting farms), packed rows stacked into
//      one matrix; records of animals without a genotype on this panel are skipped and counted;
//   2. pre-correction for contemporary group / other fixed effects (training-fixed-effects.ts);
//   3. k-fold cross-validation with the library's SNP-BLUP (training-compute.ts: the fold loop of
//      genomics' crossValidateSnpBlup, fold by fold so each fold is a progress event; the test checks
//      the numbers equal crossValidateSnpBlup's): predictive correlation, regression slope, per-fold
//      figures and the predicted-vs-observed pairs;
//   4. the final SNP-BLUP on all records: effects, allele frequencies, intercept, heritability,
//      iterations, convergence, relative residual, and the reliability inputs (lambda, per-SNP
//      information, SNP mask) for per-animal reliabilities; when every record carries a reference value
//      (a simulated true breeding value, a deregressed proof), the accuracy of the CV predictions and of
//      the final GEBVs against it;
//   5. storing — the artefact (effects + metadata, JSON) in blob storage under ml-models/…, and the row
//      becomes a DRAFT (publishing is a separate, audited step).
// Any failure marks the row 'failed' with training_error. Steps 3–4 run in a worker thread
// (training-thread.ts, training-compute.ts): the job's event loop stays free for queue locks, progress
// and the process's other jobs.
import { Readable } from "node:stream";
import { AppError } from "@reprotech/core";
import { withSystem, withTenant, type PrismaClient, type Tx } from "@reprotech/db";
import { bytesPerSample, correlationAndSlope, type PackedMatrix } from "@reprotech/genomics";
import type { Cache, PubSub } from "@reprotech/cache";
import { query } from "../animals/sql";
import { asCatalogueWriter } from "../bulls/service";
import type { BlobStore } from "../genotypes/blob-store";
import { insertModel, modelArtefactKey, encodeFloat64, reliabilityToJson } from "./model-store";
import { MIN_RECORDS_PER_TRAIT } from "./phenotypes";
import type { ComputeFold } from "./training-compute";
import { computeTrainingInThread } from "./training-thread";
import { precorrectFixedEffects, type FixedEffectReport } from "./training-fixed-effects";
import { totalTrainingSteps, trainingReporter, type TrainingProgress } from "./training-progress";

export const DEFAULT_FOLDS = 5;
/** CG stopping rule of the solves (relative residual of the mixed-model equations). */
export const TRAINING_TOLERANCE = 1e-8;
export const TRAINING_MAX_ITERATIONS = 2000;
/** Seed of the CV fold assignment (fixed: a re-run of the same data gives the same folds). */
export const FOLD_SEED = 1;

export interface StartTrainingInput {
  phenotypeSetId: string;
  traitCode: string;
  panelId: string;
  /** Default: the trait's default heritability. */
  heritability?: number;
  folds?: number;
}

/** What the job needs; `customerIds` is the scope the request was made in. */
export interface TrainingJob {
  modelId: string;
  customerIds: string[] | "all";
}

interface RecordRow {
  animalId: string;
  officialId: string;
  value: number;
  referenceValue: number | null;
  contemporaryGroup: string | null;
  fixedEffects: Record<string, string> | null;
  packed: Uint8Array;
}

/** The set's records of a trait for animals with a current genotype on the panel (RLS: the tx's scope). */
async function loadRecords(tx: Tx, setId: string, traitId: string, panelId: string): Promise<RecordRow[]> {
  return query<RecordRow>(
    tx,
    `SELECT p.animal_id::text AS "animalId", a.official_id AS "officialId", p.value, p.reference_value AS "referenceValue",
            p.contemporary_group AS "contemporaryGroup", p.fixed_effects AS "fixedEffects", g.packed
       FROM gbv_phenotypes p
       JOIN animals a ON a.id = p.animal_id
       JOIN genotypes g ON g.animal_id = p.animal_id AND g.panel_id = $3::uuid AND g.is_current
      WHERE p.set_id = $1::uuid AND p.trait_id = $2::uuid
      ORDER BY a.official_id, p.animal_id`,
    [setId, traitId, panelId],
  );
}

async function countRecords(tx: Tx, setId: string, traitId: string, panelId: string) {
  const [row] = await query<{ records: number; genotyped: number }>(
    tx,
    `SELECT count(*)::int AS records,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM genotypes g
               WHERE g.animal_id = p.animal_id AND g.panel_id = $3::uuid AND g.is_current))::int AS genotyped
       FROM gbv_phenotypes p WHERE p.set_id = $1::uuid AND p.trait_id = $2::uuid`,
    [setId, traitId, panelId],
  );
  return row ?? { records: 0, genotyped: 0 };
}

/**
 * Checks a training request in the caller's scope (tx) and inserts the model row ('training').
 * The caller enqueues the job after COMMIT.
 */
export async function startTraining(
  tx: Tx,
  input: StartTrainingInput,
  createdBy: string | null,
): Promise<{ modelId: string; version: number; folds: number; heritability: number }> {
  const [set] = await query<{ id: string; name: string }>(
    tx,
    `SELECT id::text AS id, original_file_name AS name FROM gbv_phenotype_sets WHERE id = $1::uuid`,
    [input.phenotypeSetId],
  );
  if (!set) throw new AppError("NOT_FOUND", "Phenotype set not found");
  const [trait] = await query<{ id: string; h2: number }>(
    tx,
    `SELECT id::text AS id, default_heritability AS h2 FROM gbv_traits WHERE code = $1`,
    [input.traitCode],
  );
  if (!trait) throw new AppError("BAD_REQUEST", `Unknown trait ${input.traitCode}`);
  const [panel] = await query<{ id: string; name: string }>(
    tx,
    `SELECT id::text AS id, name || ' ' || version AS name FROM snp_panels WHERE id = $1::uuid`,
    [input.panelId],
  );
  if (!panel) throw new AppError("NOT_FOUND", "SNP panel not found");
  const { records, genotyped } = await countRecords(tx, set.id, trait.id, panel.id);
  if (records === 0)
    throw new AppError("BAD_REQUEST", `The phenotype set ${set.name} has no ${input.traitCode} records`);
  if (genotyped < MIN_RECORDS_PER_TRAIT)
    throw new AppError(
      "BAD_REQUEST",
      `Only ${genotyped} of the ${records} ${input.traitCode} records are of animals genotyped on panel ${panel.name}: ` +
        `training needs at least ${MIN_RECORDS_PER_TRAIT} genotyped, phenotyped animals`,
    );
  const folds = input.folds ?? DEFAULT_FOLDS;
  if (folds > genotyped) throw new AppError("BAD_REQUEST", `${folds} folds for ${genotyped} animals`);
  const heritability = input.heritability ?? trait.h2;
  const [{ markerCount }] = (await query<{ markerCount: number }>(
    tx,
    `SELECT marker_count AS "markerCount" FROM snp_panels WHERE id = $1::uuid`,
    [panel.id],
  )) as [{ markerCount: number }];
  const model = await asCatalogueWriter(tx, () =>
    insertModel(tx, {
      traitId: trait.id,
      panelId: panel.id,
      source: "trained",
      status: "training",
      // Filled in by the job; until then the row scores nothing (it is not published).
      effects: new Float64Array(markerCount),
      alleleFreqs: new Float64Array(markerCount).fill(Number.NaN),
      heritability,
      provenance: { phenotypeSetId: set.id, phenotypeFile: set.name, folds, foldSeed: FOLD_SEED, records, genotyped },
      phenotypeSetId: set.id,
      description: `SNP-BLUP on ${set.name} (h2 ${heritability}, ${folds}-fold CV)`,
      createdBy,
    }),
  );
  return { modelId: model.id, version: model.version, folds, heritability };
}

interface ModelRow {
  id: string;
  status: string;
  traitId: string;
  traitCode: string;
  panelId: string;
  version: number;
  heritability: number;
  phenotypeSetId: string | null;
  folds: number;
}

export type FoldReport = ComputeFold;

export interface CrossValidationReport {
  folds: number;
  seed: number;
  correlation: number;
  slope: number;
  meanFoldCorrelation: number;
  perFold: FoldReport[];
  /** Correlation of the CV predictions with the records' reference values (when every record has one). */
  referenceCorrelation: number | null;
  /** Predicted (by the fold that did not see the animal) vs observed (pre-corrected phenotype). */
  pairs: { animalId: string; officialId: string; predicted: number; observed: number }[];
}

/** The gbv-train job. Idempotent: a model no longer 'training' (a retry after completion) is left alone. */
export async function runTraining(
  db: PrismaClient,
  blobs: BlobStore,
  job: TrainingJob,
  deps: { pubsub: PubSub; cache: Cache },
): Promise<{ status: "draft" | "failed" | "skipped"; modelId: string }> {
  const [model] = await withSystem(db, (tx) =>
    query<ModelRow>(
      tx,
      `SELECT m.id::text AS id, m.status::text AS status, m.trait_id::text AS "traitId", t.code AS "traitCode",
              m.panel_id::text AS "panelId", m.version, coalesce(m.heritability, t.default_heritability) AS heritability,
              m.phenotype_set_id::text AS "phenotypeSetId", coalesce((m.provenance->>'folds')::int, ${DEFAULT_FOLDS}) AS folds
         FROM gbv_models m JOIN gbv_traits t ON t.id = m.trait_id WHERE m.id = $1::uuid`,
      [job.modelId],
    ),
  );
  if (!model || model.status !== "training") return { status: "skipped", modelId: job.modelId };
  const k = model.folds;
  const base: TrainingProgress = {
    modelId: model.id,
    phase: "queued",
    step: 0,
    totalSteps: totalTrainingSteps(k),
    fold: null,
    folds: k,
    records: null,
    iterations: null,
    errorMessage: null,
  };
  const reporter = trainingReporter(deps, base);
  const started = Date.now();
  try {
    await reporter.report({ phase: "loading" });
    if (!model.phenotypeSetId) throw new Error("the phenotype set of this model was deleted");
    const scope = { customerIds: job.customerIds, userId: null };
    const rows = await withTenant(
      db,
      scope,
      (tx) => loadRecords(tx, model.phenotypeSetId!, model.traitId, model.panelId),
      { timeout: 300_000 },
    );
    const [panel] = await withSystem(db, (tx) =>
      query<{ markerCount: number }>(tx, `SELECT marker_count AS "markerCount" FROM snp_panels WHERE id = $1::uuid`, [
        model.panelId,
      ]),
    );
    const nSnps = panel!.markerCount;

    // Fixed effects: the contemporary group (when any record has one) and every other column.
    const names = new Set<string>();
    for (const r of rows) for (const name of Object.keys(r.fixedEffects ?? {})) names.add(name);
    const hasGroup = rows.some((r) => r.contemporaryGroup !== null);
    const factors = [...(hasGroup ? ["contemporary_group"] : []), ...[...names].sort()];
    const corrected = precorrectFixedEffects(
      factors,
      rows.map((r) => ({
        value: r.value,
        levels: [
          ...(hasGroup ? [r.contemporaryGroup ?? ""] : []),
          ...[...names].sort().map((n) => r.fixedEffects?.[n] ?? ""),
        ],
      })),
    );
    const used = corrected.kept.map((i) => rows[i]!);
    const n = used.length;
    if (n < MIN_RECORDS_PER_TRAIT)
      throw new AppError(
        "BAD_REQUEST",
        `${n} usable records (genotyped on the panel${corrected.report.droppedSingletons ? `, ${corrected.report.droppedSingletons} alone in their group left out` : ""}): training needs at least ${MIN_RECORDS_PER_TRAIT}`,
      );
    const y = corrected.values;
    if (y.every((v) => v === y[0]))
      throw new AppError("BAD_REQUEST", "Every corrected phenotype is the same: no variation to train on");
    const stride = bytesPerSample(nSnps);
    const data = new Uint8Array(n * stride);
    used.forEach((r, i) => {
      if (r.packed.length !== stride)
        throw new Error(`genotype of ${r.officialId} has ${r.packed.length} bytes, panel needs ${stride}`);
      data.set(r.packed, i * stride);
    });
    const m: PackedMatrix = { nSamples: n, nSnps, data };
    // Reference values (simulated TBVs, deregressed proofs) are only compared with, when all records have one.
    const reference = used.every((r) => r.referenceValue !== null)
      ? Float64Array.from(used, (r) => r.referenceValue!)
      : null;

    // CV fold by fold, then the final fit, in a worker thread; its events become progress (in order).
    let published = Promise.resolve();
    const computeStarted = Date.now();
    const { perFold, predicted, fit, gebv } = await computeTrainingInThread(
      {
        m,
        y,
        h2: model.heritability,
        folds: k,
        seed: FOLD_SEED,
        tolerance: TRAINING_TOLERANCE,
        maxIterations: TRAINING_MAX_ITERATIONS,
      },
      (event) => {
        published = published.then(() =>
          reporter.report(
            event.phase === "training"
              ? { phase: "training", fold: null, iterations: event.iterations }
              : { phase: "cross-validation", fold: event.fold, iterations: event.iterations, records: n },
          ),
        );
      },
    );
    await published;
    const computeSeconds = (Date.now() - computeStarted) / 1000;
    const pooled = correlationAndSlope(predicted, y);
    const crossValidation: CrossValidationReport = {
      folds: k,
      seed: FOLD_SEED,
      correlation: pooled.correlation,
      slope: pooled.slope,
      meanFoldCorrelation: perFold.reduce((s, r) => s + r.correlation, 0) / k,
      perFold,
      referenceCorrelation: reference ? correlationAndSlope(predicted, reference).correlation : null,
      pairs: used.map((r, i) => ({
        animalId: r.animalId,
        officialId: r.officialId,
        predicted: predicted[i]!,
        observed: y[i]!,
      })),
    };
    if (!fit.converged)
      throw new Error(
        `SNP-BLUP did not converge in ${fit.iterations} iterations (relative residual ${fit.relativeResidual.toExponential(2)})`,
      );
    await reporter.report({ phase: "storing", iterations: fit.iterations });
    // Accuracy of the final model's GEBVs of the training animals against their reference values.
    const referenceAccuracy = reference ? correlationAndSlope(gebv, reference).correlation : null;

    const training = {
      method: "SNP-BLUP (PCG, library genomics/blup/snpblup.ts)",
      heritability: fit.h2,
      lambda: fit.lambda,
      sumTwoPQ: fit.sumTwoPQ,
      iterations: fit.iterations,
      converged: fit.converged,
      relativeResidual: fit.relativeResidual,
      tolerance: TRAINING_TOLERANCE,
      nTraining: fit.nTraining,
      recordsInSet: rows.length,
      snpsInModel: fit.snpMask.reduce((s, v) => s + v, 0),
      fixedEffects: corrected.report satisfies FixedEffectReport,
      referenceAccuracy,
      computeSeconds,
      totalSeconds: (Date.now() - started) / 1000,
    };
    const artefactKey = modelArtefactKey(model.traitCode, model.panelId, model.version, "model-json");
    const artefact = {
      modelId: model.id,
      trait: model.traitCode,
      panelId: model.panelId,
      version: model.version,
      allele: "panel B allele (the packed code's dosage)",
      intercept: fit.intercept,
      training,
      crossValidation: { ...crossValidation, pairs: undefined },
      effects: Array.from(fit.effects),
      alleleFreqs: Array.from(fit.p, (v) => (Number.isFinite(v) ? v : null)),
    };
    await blobs.put(artefactKey, Readable.from([Buffer.from(JSON.stringify(artefact))]));
    const reliability = reliabilityToJson({
      method: "pev",
      nReference: fit.nTraining,
      lambda: fit.lambda,
      snpInformation: fit.snpInformation,
      snpMask: fit.snpMask,
    });
    let snpCount = 0;
    for (let j = 0; j < nSnps; j++) if (fit.effects[j] !== 0) snpCount++;
    const stored = await withSystem(db, (tx) =>
      query(
        tx,
        `UPDATE gbv_models SET status = 'draft', effects = $2, allele_freqs = $3, intercept = $4, heritability = $5,
                snp_count = $6, reliability = $7::jsonb, cross_validation = $8::jsonb, training = $9::jsonb,
                artefact_key = $10, updated_at = now()
          WHERE id = $1::uuid AND status = 'training' RETURNING id`,
        [
          model.id,
          encodeFloat64(fit.effects),
          encodeFloat64(fit.p),
          fit.intercept,
          fit.h2,
          snpCount,
          JSON.stringify(reliability),
          JSON.stringify(crossValidation),
          JSON.stringify(training),
          artefactKey,
        ],
      ),
    );
    if (stored.length === 0) {
      // Meanwhile the row stopped 'training': lost-job recovery failed it (BullMQ had failed this job
      // after lost locks while it still ran). Its outcome stands; this run's artefact goes.
      await blobs.delete(artefactKey);
      return { status: "skipped", modelId: model.id };
    }
    await reporter.report({ phase: "completed", records: n, iterations: fit.iterations });
    return { status: "draft", modelId: model.id };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    await withSystem(db, (tx) =>
      query(
        tx,
        `UPDATE gbv_models SET status = 'failed', training_error = $2, updated_at = now() WHERE id = $1::uuid AND status = 'training'`,
        [model.id, message],
      ),
    );
    await reporter.report({ phase: "failed", errorMessage: message, fold: null });
    return { status: "failed", modelId: model.id };
  }
}

// k-fold cross-validation of SNP-BLUP: animals with phenotypes are split into k folds (deterministic
// shuffle from a seed); each fold is predicted from a model trained on the others. Reported: the
// predictive correlation between observed values and GEBVs and the regression slope of observed on
// predicted (1 = unbiased scale, < 1 = GEBVs over-dispersed), pooled over all folds and per fold.
// "Observed" is the phenotype, or `truth` (e.g. simulated TBVs, deregressed proofs) when given.
// Allele frequencies are computed once from all genotyped animals (genotypes only, no phenotypes, so
// nothing of the validation phenotypes leaks into training).
import type { PackedMatrix } from "../pack";
import { scoreGenotypes } from "../score/score";
import { alleleFrequencies } from "../stats/frequencies";
import { trainSnpBlup } from "./snpblup";

export interface CrossValidationOptions {
  readonly h2: number;
  /** Default 5. */
  readonly folds?: number;
  /** Seed of the fold assignment. Default 1. */
  readonly seed?: number;
  readonly p?: Float64Array;
  readonly snpMask?: Uint8Array;
  /** Animals taking part (need a finite phenotype); default all with a finite phenotype. */
  readonly rows?: ArrayLike<number>;
  /** Values predictions are compared with, indexed by animal; default the phenotypes. */
  readonly truth?: ArrayLike<number>;
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

export interface FoldResult {
  readonly fold: number;
  readonly nTraining: number;
  readonly nValidation: number;
  readonly correlation: number;
  readonly slope: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface CrossValidationResult {
  readonly h2: number;
  readonly folds: readonly FoldResult[];
  /** Over all validation predictions together. */
  readonly correlation: number;
  readonly slope: number;
  /** Mean of the per-fold correlations. */
  readonly meanFoldCorrelation: number;
  /** GEBV of each animal from the model that did not see it (NaN for animals not taking part). */
  readonly predicted: Float64Array;
}

/** Pearson correlation and slope of y on x. */
export function correlationAndSlope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { correlation: number; slope: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return { correlation: sxy / Math.sqrt(sxx * syy), slope: sxy / sxx };
}

/** Fold (0..k-1) of each of n items: a seeded Fisher–Yates shuffle dealt round-robin. */
export function assignFolds(n: number, k: number, seed: number): Int32Array {
  if (!(k >= 2 && k <= n)) throw new RangeError(`need 2 <= folds <= ${n}, got ${k}`);
  let a = seed >>> 0;
  const rand = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const fold = new Int32Array(n);
  for (let r = 0; r < n; r++) fold[order[r]!] = r % k;
  return fold;
}

export function crossValidateSnpBlup(
  m: PackedMatrix,
  y: ArrayLike<number>,
  options: CrossValidationOptions,
): CrossValidationResult {
  const k = options.folds ?? 5;
  const p = options.p ?? alleleFrequencies(m);
  const truth = options.truth ?? y;
  let animals: number[];
  if (options.rows) animals = Array.from(options.rows);
  else {
    animals = [];
    for (let i = 0; i < m.nSamples; i++) if (Number.isFinite(y[i]!)) animals.push(i);
  }
  const fold = assignFolds(animals.length, k, options.seed ?? 1);
  const predicted = new Float64Array(m.nSamples).fill(Number.NaN);
  const folds: FoldResult[] = [];
  for (let f = 0; f < k; f++) {
    const train = Int32Array.from(animals.filter((_, r) => fold[r] !== f));
    const valid = Int32Array.from(animals.filter((_, r) => fold[r] === f));
    const model = trainSnpBlup(m, y, {
      h2: options.h2,
      p,
      snpMask: options.snpMask,
      rows: train,
      tolerance: options.tolerance,
      maxIterations: options.maxIterations,
    });
    const gebv = scoreGenotypes(m, model.p, [model.effects], { intercepts: [model.intercept], rows: valid });
    valid.forEach((i, r) => (predicted[i] = gebv[r]!));
    const obs = Float64Array.from(valid, (i) => truth[i]!);
    const { correlation, slope } = correlationAndSlope(gebv, obs);
    folds.push({
      fold: f,
      nTraining: train.length,
      nValidation: valid.length,
      correlation,
      slope,
      iterations: model.iterations,
      converged: model.converged,
    });
  }
  const pred = Float64Array.from(animals, (i) => predicted[i]!);
  const obs = Float64Array.from(animals, (i) => truth[i]!);
  const pooled = correlationAndSlope(pred, obs);
  return {
    h2: options.h2,
    folds,
    correlation: pooled.correlation,
    slope: pooled.slope,
    meanFoldCorrelation: folds.reduce((s, r) => s + r.correlation, 0) / k,
    predicted,
  };
}

export interface HeritabilitySelection {
  /** Candidate with the highest pooled predictive correlation. */
  readonly h2: number;
  readonly results: readonly CrossValidationResult[];
}

/** Chooses h2 among candidates by k-fold cross-validated predictive correlation (same folds for all). */
export function chooseHeritability(
  m: PackedMatrix,
  y: ArrayLike<number>,
  candidates: readonly number[],
  options: Omit<CrossValidationOptions, "h2"> = {},
): HeritabilitySelection {
  if (candidates.length === 0) throw new RangeError("no heritability candidates");
  const p = options.p ?? alleleFrequencies(m);
  const results = candidates.map((h2) => crossValidateSnpBlup(m, y, { ...options, p, h2 }));
  let best = results[0]!;
  for (const r of results) if (r.correlation > best.correlation) best = r;
  return { h2: best.h2, results };
}

// The numeric part of a training, pure (no database, no cache): k-fold cross-validation — the fold
// loop of genomics' crossValidateSnpBlup (same assignFolds, trainSnpBlup, scoreGenotypes,
// correlationAndSlope), run fold by fold so each fold is a progress event — then the final SNP-BLUP on
// all records and its GEBVs of the training animals. Runs in a worker thread (training-worker.ts), so a
// long solve never blocks the job process's event loop (queue locks, progress, other jobs).
import {
  alleleFrequencies,
  assignFolds,
  correlationAndSlope,
  scoreGenotypes,
  trainSnpBlup,
  type PackedMatrix,
  type SnpBlupResult,
} from "@reprotech/genomics";

export interface ComputeInput {
  m: PackedMatrix;
  /** Pre-corrected phenotypes, one per row of m. */
  y: Float64Array;
  h2: number;
  folds: number;
  seed: number;
  tolerance: number;
  maxIterations: number;
}

export interface ComputeFold {
  fold: number;
  nTraining: number;
  nValidation: number;
  correlation: number;
  slope: number;
  iterations: number;
  converged: boolean;
}

export interface ComputeResult {
  perFold: ComputeFold[];
  /** GEBV of each row from the fold that did not see it. */
  predicted: Float64Array;
  fit: SnpBlupResult;
  /** The final model's GEBVs of the training rows. */
  gebv: Float64Array;
}

export type ComputeEvent =
  { phase: "cross-validation"; fold: number; iterations: number | null } | { phase: "training"; iterations: number };

export function computeTraining(input: ComputeInput, onEvent: (e: ComputeEvent) => void): ComputeResult {
  const { m, y, folds: k } = input;
  const n = m.nSamples;
  // Frequencies from the genotypes only (no phenotypes), once: the folds and the final fit share them.
  const p = alleleFrequencies(m);
  const options = { h2: input.h2, p, tolerance: input.tolerance, maxIterations: input.maxIterations };
  const foldOf = assignFolds(n, k, input.seed);
  const predicted = new Float64Array(n);
  const perFold: ComputeFold[] = [];
  for (let f = 0; f < k; f++) {
    onEvent({ phase: "cross-validation", fold: f + 1, iterations: perFold.at(-1)?.iterations ?? null });
    const train: number[] = [];
    const valid: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? valid : train).push(i);
    const fit = trainSnpBlup(m, y, { ...options, rows: Int32Array.from(train) });
    const gebv = scoreGenotypes(m, fit.p, [fit.effects], { intercepts: [fit.intercept], rows: valid });
    valid.forEach((i, r) => (predicted[i] = gebv[r]!));
    const cs = correlationAndSlope(
      gebv,
      Float64Array.from(valid, (i) => y[i]!),
    );
    perFold.push({
      fold: f + 1,
      nTraining: train.length,
      nValidation: valid.length,
      ...cs,
      iterations: fit.iterations,
      converged: fit.converged,
    });
  }
  onEvent({ phase: "training", iterations: perFold.at(-1)!.iterations });
  const fit = trainSnpBlup(m, y, options);
  const gebv = scoreGenotypes(m, fit.p, [fit.effects], { intercepts: [fit.intercept] });
  return { perFold, predicted, fit, gebv };
}

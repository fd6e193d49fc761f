// SNP-BLUP (ridge regression on centred genotypes) trained on packed genotypes.
//
// Model: y = 1 mu + Z a + e,  a ~ N(0, I s2a),  e ~ N(0, I s2e), z_ij = x_ij - 2 p_j (0 when missing).
// With the SNP variance from the heritability, s2a = s2g / (2 sum_j p_j (1 - p_j)) (over the SNPs in the
// model), lambda = s2e / s2a = (1 - h2) / h2 * 2 sum p(1-p), and the mixed-model equations are
//   [ n      1'Z          ] [mu]   [1'y]
//   [ Z'1    Z'Z + lambda I] [a ] = [Z'y]
// solved by preconditioned conjugate gradients with the diagonal [n, diag(Z'Z) + lambda] as
// preconditioner. Each iteration is one Z v and one Z'u over the packed bytes (see packed-operator.ts);
// memory is the packed matrix plus a handful of length-m and length-n vectors.
import type { PackedMatrix } from "../pack";
import { alleleFrequencies } from "../stats/frequencies";
import { CentredGenotypeOperator } from "./packed-operator";

export interface SnpBlupOptions {
  /** Heritability of the trait (0 < h2 < 1). */
  readonly h2: number;
  /** Allele frequencies for centring; default computed from all animals of `m`. */
  readonly p?: Float64Array;
  /** SNPs in the model (1); default every SNP with 0 < p < 1. */
  readonly snpMask?: Uint8Array;
  /** Training animals (rows of m); default every animal with a finite phenotype. */
  readonly rows?: ArrayLike<number>;
  /** Stop when ||r|| / ||b|| falls below this. Default 1e-8. */
  readonly tolerance?: number;
  /** Default 1000. */
  readonly maxIterations?: number;
}

export interface SnpBlupResult {
  /** SNP effects a_j per copy of the B allele (0 for SNPs left out). */
  readonly effects: Float64Array;
  /** Allele frequencies used for centring (score with the same ones). */
  readonly p: Float64Array;
  /** 1 = SNP in the model. */
  readonly snpMask: Uint8Array;
  readonly intercept: number;
  readonly h2: number;
  readonly lambda: number;
  /** 2 sum p(1-p) over the SNPs in the model. */
  readonly sumTwoPQ: number;
  readonly nTraining: number;
  /** d_j = sum over training animals of z_ij^2 (diagonal of Z'Z; used by the reliability approximation). */
  readonly snpInformation: Float64Array;
  readonly iterations: number;
  /** Final ||b - A x|| / ||b|| (recomputed, not the recurrence's estimate). */
  readonly relativeResidual: number;
  readonly converged: boolean;
}

/** lambda = s2e / s2a for a heritability and 2 sum p(1-p). */
export function lambdaFromHeritability(h2: number, sumTwoPQ: number): number {
  if (!(h2 > 0 && h2 < 1)) throw new RangeError(`heritability ${h2} must be in (0, 1)`);
  return ((1 - h2) / h2) * sumTwoPQ;
}

/** Default SNP set: every SNP with 0 < p < 1 (mask optionally narrowed by the caller's own mask). */
export function modelSnps(p: Float64Array, mask?: Uint8Array): Uint8Array {
  const out = new Uint8Array(p.length);
  for (let j = 0; j < p.length; j++) {
    const q = p[j]!;
    out[j] = (!mask || mask[j]) && q > 0 && q < 1 ? 1 : 0;
  }
  return out;
}

export function trainSnpBlup(m: PackedMatrix, y: ArrayLike<number>, options: SnpBlupOptions): SnpBlupResult {
  if (y.length !== m.nSamples)
    throw new RangeError(`${y.length} phenotypes for ${m.nSamples} animals (index y by animal, select with rows)`);
  let rows: ArrayLike<number>;
  if (options.rows) {
    rows = options.rows;
    for (let r = 0; r < rows.length; r++)
      if (!Number.isFinite(y[rows[r]!]!)) throw new RangeError(`training animal ${rows[r]} has no phenotype`);
  } else {
    const sel: number[] = [];
    for (let i = 0; i < m.nSamples; i++) if (Number.isFinite(y[i]!)) sel.push(i);
    rows = Int32Array.from(sel);
  }
  const n = rows.length;
  if (n < 2) throw new RangeError("SNP-BLUP needs at least two training animals");
  const p = options.p ?? alleleFrequencies(m);
  const snpMask = modelSnps(p, options.snpMask);
  let sumTwoPQ = 0;
  for (let j = 0; j < p.length; j++) if (snpMask[j]) sumTwoPQ += 2 * p[j]! * (1 - p[j]!);
  if (sumTwoPQ === 0) throw new RangeError("no polymorphic SNPs in the model");
  const lambda = lambdaFromHeritability(options.h2, sumTwoPQ);
  const tol = options.tolerance ?? 1e-8;
  const maxIt = options.maxIterations ?? 1000;

  const Z = new CentredGenotypeOperator(m, p, rows, snpMask);
  const mSnps = m.nSnps;
  const yr = new Float64Array(n);
  for (let r = 0; r < n; r++) yr[r] = y[rows[r]!]!;

  // Right-hand side b = [1'y; Z'y], preconditioner diag = [n; diag(Z'Z) + lambda].
  let sumY = 0;
  for (let r = 0; r < n; r++) sumY += yr[r]!;
  const bA = Z.transposeTimes(yr, new Float64Array(mSnps));
  const { sumSquares } = Z.columnMoments();
  const invDiag = new Float64Array(mSnps);
  for (let j = 0; j < mSnps; j++) invDiag[j] = snpMask[j] ? 1 / (sumSquares[j]! + lambda) : 0;
  const invDiagMu = 1 / n;

  // A x for x = [mu; a]; a is kept 0 outside the mask because invDiag is 0 there.
  const w = new Float64Array(n);
  const apply = (mu: number, a: Float64Array, outA: Float64Array): number => {
    Z.times(a, w);
    let sumW = 0;
    for (let r = 0; r < n; r++) {
      w[r]! += mu;
      sumW += w[r]!;
    }
    Z.transposeTimes(w, outA);
    for (let j = 0; j < mSnps; j++) outA[j] = snpMask[j] ? outA[j]! + lambda * a[j]! : 0;
    return sumW;
  };

  // Start from mu = mean(y), a = 0.
  let mu = sumY / n;
  const a = new Float64Array(mSnps);
  const rA = new Float64Array(mSnps);
  const apA = new Float64Array(mSnps);
  const zA = new Float64Array(mSnps);
  const pA = new Float64Array(mSnps);
  let rMu = sumY - apply(mu, a, rA);
  for (let j = 0; j < mSnps; j++) rA[j] = snpMask[j] ? bA[j]! - rA[j]! : 0;
  let bNorm2 = sumY * sumY;
  for (let j = 0; j < mSnps; j++) if (snpMask[j]) bNorm2 += bA[j]! * bA[j]!;
  const bNorm = Math.sqrt(bNorm2) || 1;

  let zMu = rMu * invDiagMu;
  let rz = rMu * zMu;
  for (let j = 0; j < mSnps; j++) {
    zA[j] = rA[j]! * invDiag[j]!;
    rz += rA[j]! * zA[j]!;
  }
  let pMu = zMu;
  pA.set(zA);
  let iterations = 0;
  let relRes = norm(rMu, rA) / bNorm;
  while (relRes > tol && iterations < maxIt) {
    const apMu = apply(pMu, pA, apA);
    let pAp = pMu * apMu;
    for (let j = 0; j < mSnps; j++) pAp += pA[j]! * apA[j]!;
    const alpha = rz / pAp;
    mu += alpha * pMu;
    rMu -= alpha * apMu;
    for (let j = 0; j < mSnps; j++) {
      a[j]! += alpha * pA[j]!;
      rA[j]! -= alpha * apA[j]!;
    }
    iterations++;
    relRes = norm(rMu, rA) / bNorm;
    if (relRes <= tol) break;
    zMu = rMu * invDiagMu;
    let rzNew = rMu * zMu;
    for (let j = 0; j < mSnps; j++) {
      zA[j] = rA[j]! * invDiag[j]!;
      rzNew += rA[j]! * zA[j]!;
    }
    const beta = rzNew / rz;
    rz = rzNew;
    pMu = zMu + beta * pMu;
    for (let j = 0; j < mSnps; j++) pA[j] = zA[j]! + beta * pA[j]!;
  }
  // True residual of the final solution.
  const check = new Float64Array(mSnps);
  const topMu = apply(mu, a, check);
  let res2 = (sumY - topMu) ** 2;
  for (let j = 0; j < mSnps; j++) if (snpMask[j]) res2 += (bA[j]! - check[j]!) ** 2;
  const relativeResidual = Math.sqrt(res2) / bNorm;
  return {
    effects: a,
    p,
    snpMask,
    intercept: mu,
    h2: options.h2,
    lambda,
    sumTwoPQ,
    nTraining: n,
    snpInformation: sumSquares,
    iterations,
    relativeResidual,
    // the recurrence met the tolerance and the recomputed residual agrees (it drifts a little in floating point)
    converged: relRes <= tol && relativeResidual <= 10 * tol,
  };
}

function norm(mu: number, v: Float64Array): number {
  let s = mu * mu;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  return Math.sqrt(s);
}

// Approximate reliabilities of GEBVs.
//
// Population level (Daetwyler et al. 2008, Genetics 178:1405; Goddard 2009, Genetica 136:245):
//   r^2 = N h2 / (N h2 + M_e),  M_e = 2 N_e L / ln(N_e L)
// with N reference animals, N_e the effective population size and L the genome length in Morgans
// (cattle: about 30 M; Holstein N_e about 100 gives M_e about 750).
//
// Per animal: PEV-diagonal approximation of SNP-BLUP. With C = Z'Z + lambda I over the reference,
// PEV(a_j) is approximated by s2e / (d_j + lambda_e), d_j = sum_i z_ij^2 the SNP's information in the
// reference, ignoring the off-diagonals of C. Then, for an animal with centred genotypes z_i,
//   Var(g_i) = s2a sum_j z_ij^2,   PEV(GEBV_i) ~ s2e sum_j z_ij^2 / (d_j + lambda_e),
//   r_i^2 = 1 - lambda_e * sum_j z_ij^2 / (d_j + lambda_e) / sum_j z_ij^2.
// Ignoring LD treats every SNP as an independent locus, which with M >> M_e makes the information per
// locus far too small; lambda_e = lambda * M_e / M (only when M_e < M) puts the information on M_e
// effective loci instead, so that an average animal gets the Daetwyler value N h2 / (N h2 + (1-h2) M_e)
// while animals carrying rare alleles at poorly informed SNPs get less. It is an approximation: it does
// not see how closely an animal is related to the reference (a GBLUP PEV from the inverse of the mixed-
// model equations would), so treat it as an expectation, not a published reliability.
import { CentredGenotypeOperator } from "../blup/packed-operator";
import type { PackedMatrix } from "../pack";

/** Goddard (2009): M_e = 2 N_e L / ln(N_e L). Defaults N_e = 100, L = 30 Morgans. */
export function effectiveLoci(ne = 100, genomeMorgans = 30): number {
  const x = ne * genomeMorgans;
  return (2 * x) / Math.log(x);
}

/** Daetwyler et al. (2008): expected r^2 = N h2 / (N h2 + M_e). */
export function daetwylerReliability(nReference: number, h2: number, mEff = effectiveLoci()): number {
  const nh = nReference * h2;
  return nh / (nh + mEff);
}

export interface ReliabilityModel {
  readonly p: Float64Array;
  readonly snpMask: Uint8Array;
  readonly lambda: number;
  /** d_j over the reference animals (SnpBlupResult.snpInformation). */
  readonly snpInformation: Float64Array;
}

export interface ReliabilityOptions {
  /** Effective number of loci; default effectiveLoci(). */
  readonly mEff?: number;
  /** Animals to evaluate (rows of m); default all. */
  readonly rows?: ArrayLike<number>;
}

/** Per-animal approximate reliability (see the file comment). NaN for an animal with no informative genotype. */
export function approximateReliability(
  m: PackedMatrix,
  model: ReliabilityModel,
  options: ReliabilityOptions = {},
): Float64Array {
  let nUsed = 0;
  for (let j = 0; j < model.snpMask.length; j++) if (model.snpMask[j]) nUsed++;
  const mEff = options.mEff ?? effectiveLoci();
  const lambdaE = model.lambda * Math.min(1, mEff / nUsed);
  const op = new CentredGenotypeOperator(m, model.p, options.rows, model.snpMask);
  const sq = new Float64Array(op.codeValues.length);
  for (let k = 0; k < sq.length; k++) sq[k] = op.codeValues[k]! * op.codeValues[k]!;
  const ones = new Float64Array(m.nSnps);
  const w = new Float64Array(m.nSnps);
  for (let j = 0; j < m.nSnps; j++) {
    if (!model.snpMask[j]) continue;
    ones[j] = 1;
    w[j] = lambdaE / (model.snpInformation[j]! + lambdaE);
  }
  const total = op.times(ones, new Float64Array(op.nRows), sq);
  const unexplained = op.times(w, new Float64Array(op.nRows), sq);
  const r2 = new Float64Array(op.nRows);
  for (let r = 0; r < op.nRows; r++) r2[r] = total[r]! > 0 ? 1 - unexplained[r]! / total[r]! : Number.NaN;
  return r2;
}

// VanRaden (2008) genomic relationship matrix, method 1:
//   G = Z Z' / (2 sum_j p_j (1 - p_j)),   z_ij = x_ij - 2 p_j,
// with x the B-allele count and p the B-allele frequency (supplied, or computed from the animals given).
// Missing genotypes are centred to 0 (mean imputation: x = 2p), the convention of
// `plink2 --make-rel cov meanimpute`; SNPs left out of the mask (e.g. MAF < 0.05) or never called are
// dropped from both Z and the denominator. Genomic inbreeding F_i = G_ii - 1.
//
// Computation: blocks of SNPs are decoded from the packed bytes into centred Float64 panels laid out
// in micro-panels of 4 animals x block (contiguous), and each 4 x 4 tile of G accumulates over the
// block in 16 local sums (a register-blocked matrix multiply). Only the lower triangle is computed for
// G of one set. Work splits by rows of tiles, so worker threads can share it (see parallel/).
import { bytesPerSample, type PackedMatrix } from "../pack";
import { centredCodeValues } from "../score/score";
import { snpGenotypeCounts, type SnpGenotypeCounts } from "../stats/frequencies";

export interface GrmOptions {
  /** B-allele frequencies for centring; default computed from the animals given (both sets for a cross G). */
  readonly p?: Float64Array;
  /** SNPs used (1); default all with 0 < p < 1. */
  readonly snpMask?: Uint8Array;
}

export interface Grm {
  readonly n: number;
  /** n x n row-major, symmetric. */
  readonly g: Float64Array;
  readonly p: Float64Array;
  readonly snpsUsed: number;
  /** 2 sum p(1-p) over the SNPs used. */
  readonly denominator: number;
}

export interface CrossGrm {
  readonly nRows: number;
  readonly nCols: number;
  /** nRows x nCols row-major: relationship of animal i of the first set with animal k of the second. */
  readonly g: Float64Array;
  readonly p: Float64Array;
  readonly snpsUsed: number;
  readonly denominator: number;
}

/** SNPs per decoded block. 4 animals x 128 SNPs x 8 bytes = 4 KiB micro-panels. */
export const GRM_BLOCK = 128;

/** The SNPs used and the VanRaden denominator for given frequencies and mask. */
export function grmSnps(p: Float64Array, snpMask?: Uint8Array): { snps: Int32Array; denominator: number } {
  const list: number[] = [];
  let denominator = 0;
  for (let j = 0; j < p.length; j++) {
    const q = p[j]!;
    if ((snpMask && !snpMask[j]) || !(q > 0 && q < 1)) continue;
    list.push(j);
    denominator += 2 * q * (1 - q);
  }
  return { snps: Int32Array.from(list), denominator };
}

/** Frequencies from the combined genotype counts of several matrices on the same panel. */
export function pooledFrequencies(...ms: PackedMatrix[]): Float64Array {
  const nSnps = ms[0]!.nSnps;
  const counts: SnpGenotypeCounts[] = ms.map((m) => {
    if (m.nSnps !== nSnps) throw new RangeError("matrices are on different panels");
    return snpGenotypeCounts(m);
  });
  const p = new Float64Array(nSnps);
  for (let j = 0; j < nSnps; j++) {
    let called = 0;
    let b = 0;
    for (const c of counts) {
      called += c.hom0[j]! + c.het[j]! + c.hom2[j]!;
      b += c.het[j]! + 2 * c.hom2[j]!;
    }
    p[j] = called === 0 ? Number.NaN : b / (2 * called);
  }
  return p;
}

/**
 * Decodes SNPs snps[s0 .. s0+len) of every animal into a centred panel: for animal i and SNP t of the
 * block, panel[(i >> 2) * len * 4 + t * 4 + (i & 3)]. Animals beyond n (padding to 4) are 0.
 */
export function decodeCentredPanel(
  m: PackedMatrix,
  p: Float64Array,
  snps: Int32Array,
  s0: number,
  len: number,
  panel: Float64Array,
): void {
  const stride = bytesPerSample(m.nSnps);
  const data = m.data;
  const nPad = (m.nSamples + 3) & ~3;
  panel.fill(0, 0, nPad * len);
  const cv = new Float64Array(4 * len);
  const byteOf = new Int32Array(len);
  const shiftOf = new Int32Array(len);
  for (let t = 0; t < len; t++) {
    const j = snps[s0 + t]!;
    centredCodeValues(p, j, cv, 4 * t);
    byteOf[t] = j >> 2;
    shiftOf[t] = (j & 3) << 1;
  }
  for (let i = 0; i < m.nSamples; i++) {
    const row = i * stride;
    const out = (i >> 2) * len * 4 + (i & 3);
    for (let t = 0; t < len; t++) panel[out + t * 4] = cv[4 * t + ((data[row + byteOf[t]!]! >>> shiftOf[t]!) & 3)]!;
  }
}

/**
 * acc[(i * ldAcc) + k] += sum_t A_i,t B_k,t for 4-row tiles I (rows 4I..4I+3 of panel a) and 4-column
 * tiles K of panel b; `lowerOnly` limits to K <= I (G of one set). Tiles of rows [tileRowStart, tileRowEnd).
 */
export function accumulateTiles(
  a: Float64Array,
  b: Float64Array,
  len: number,
  nA: number,
  nB: number,
  acc: Float64Array,
  ldAcc: number,
  tileRowStart: number,
  tileRowEnd: number,
  lowerOnly: boolean,
): void {
  const tilesB = (nB + 3) >> 2;
  const span = len * 4;
  for (let I = tileRowStart; I < tileRowEnd; I++) {
    const aBase = I * span;
    const kEnd = lowerOnly ? I + 1 : tilesB;
    const i0 = I * 4;
    for (let K = 0; K < kEnd; K++) {
      const bBase = K * span;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0;
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0;
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let t = 0; t < span; t += 4) {
        const a0 = a[aBase + t]!;
        const a1 = a[aBase + t + 1]!;
        const a2 = a[aBase + t + 2]!;
        const a3 = a[aBase + t + 3]!;
        const b0 = b[bBase + t]!;
        const b1 = b[bBase + t + 1]!;
        const b2 = b[bBase + t + 2]!;
        const b3 = b[bBase + t + 3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const k0 = K * 4;
      if (i0 + 3 < nA && k0 + 3 < nB) {
        let o = i0 * ldAcc + k0;
        acc[o]! += c00;
        acc[o + 1]! += c01;
        acc[o + 2]! += c02;
        acc[o + 3]! += c03;
        o += ldAcc;
        acc[o]! += c10;
        acc[o + 1]! += c11;
        acc[o + 2]! += c12;
        acc[o + 3]! += c13;
        o += ldAcc;
        acc[o]! += c20;
        acc[o + 1]! += c21;
        acc[o + 2]! += c22;
        acc[o + 3]! += c23;
        o += ldAcc;
        acc[o]! += c30;
        acc[o + 1]! += c31;
        acc[o + 2]! += c32;
        acc[o + 3]! += c33;
        continue;
      }
      const cs = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let di = 0; di < 4; di++) {
        const i = i0 + di;
        if (i >= nA) break;
        const o = i * ldAcc;
        for (let dk = 0; dk < 4; dk++) {
          const k = k0 + dk;
          if (k >= nB) break;
          acc[o + k]! += cs[di * 4 + dk]!;
        }
      }
    }
  }
}

/**
 * Z Z' for tile rows [tileRowStart, tileRowEnd) of the lower triangle, unscaled, into acc (n x n).
 * Only the animals up to the last row of the range are decoded. Shared by the in-thread and the
 * worker-thread paths.
 */
export function grmTileRows(
  m: PackedMatrix,
  p: Float64Array,
  snps: Int32Array,
  acc: Float64Array,
  tileRowStart: number,
  tileRowEnd: number,
): void {
  const n = m.nSamples;
  const nUsed = Math.min(n, tileRowEnd * 4);
  const view: PackedMatrix = { nSamples: nUsed, nSnps: m.nSnps, data: m.data };
  const panel = new Float64Array(((nUsed + 3) & ~3) * GRM_BLOCK);
  for (let s0 = 0; s0 < snps.length; s0 += GRM_BLOCK) {
    const len = Math.min(GRM_BLOCK, snps.length - s0);
    decodeCentredPanel(view, p, snps, s0, len, panel);
    accumulateTiles(panel, panel, len, nUsed, nUsed, acc, n, tileRowStart, tileRowEnd, true);
  }
}

/** Splits tile rows 0..nTiles into `parts` ranges of about equal lower-triangle work. */
export function balancedTileRanges(nTiles: number, parts: number): [number, number][] {
  const total = (nTiles * (nTiles + 1)) / 2;
  const out: [number, number][] = [];
  let start = 0;
  for (let k = 1; k <= parts && start < nTiles; k++) {
    // end such that end(end+1)/2 >= total * k / parts
    let end = k === parts ? nTiles : Math.ceil((-1 + Math.sqrt(1 + (8 * total * k) / parts)) / 2);
    end = Math.max(start + 1, Math.min(nTiles, end));
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** Scales the lower triangle by 1/denominator and mirrors it to the upper one. */
export function finishSymmetric(g: Float64Array, n: number, denominator: number): void {
  const inv = 1 / denominator;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      const v = g[i * n + k]! * inv;
      g[i * n + k] = v;
      g[k * n + i] = v;
    }
  }
}

/** VanRaden G for one set of animals (in this thread; see `vanRadenGAsync` for worker threads). */
export function vanRadenG(m: PackedMatrix, options: GrmOptions = {}): Grm {
  const p = options.p ?? pooledFrequencies(m);
  if (p.length !== m.nSnps) throw new RangeError(`${p.length} allele frequencies for ${m.nSnps} SNPs`);
  const { snps, denominator } = grmSnps(p, options.snpMask);
  if (denominator === 0) throw new RangeError("no polymorphic SNPs for G");
  const n = m.nSamples;
  const g = new Float64Array(n * n);
  grmTileRows(m, p, snps, g, 0, (n + 3) >> 2);
  finishSymmetric(g, n, denominator);
  return { n, g, p, snpsUsed: snps.length, denominator };
}

/** VanRaden G between two sets (e.g. cows x candidate sires) on the same panel and the same p. */
export function vanRadenCrossG(a: PackedMatrix, b: PackedMatrix, options: GrmOptions = {}): CrossGrm {
  if (a.nSnps !== b.nSnps) throw new RangeError("the two sets are on different panels");
  const p = options.p ?? pooledFrequencies(a, b);
  if (p.length !== a.nSnps) throw new RangeError(`${p.length} allele frequencies for ${a.nSnps} SNPs`);
  const { snps, denominator } = grmSnps(p, options.snpMask);
  if (denominator === 0) throw new RangeError("no polymorphic SNPs for G");
  const g = new Float64Array(a.nSamples * b.nSamples);
  const pa = new Float64Array(((a.nSamples + 3) & ~3) * GRM_BLOCK);
  const pb = new Float64Array(((b.nSamples + 3) & ~3) * GRM_BLOCK);
  for (let s0 = 0; s0 < snps.length; s0 += GRM_BLOCK) {
    const len = Math.min(GRM_BLOCK, snps.length - s0);
    decodeCentredPanel(a, p, snps, s0, len, pa);
    decodeCentredPanel(b, p, snps, s0, len, pb);
    accumulateTiles(pa, pb, len, a.nSamples, b.nSamples, g, b.nSamples, 0, (a.nSamples + 3) >> 2, false);
  }
  const inv = 1 / denominator;
  for (let k = 0; k < g.length; k++) g[k]! *= inv;
  return { nRows: a.nSamples, nCols: b.nSamples, g, p, snpsUsed: snps.length, denominator };
}

/** Genomic inbreeding F_i = G_ii - 1. */
export function genomicInbreeding(grm: { n: number; g: Float64Array }): Float64Array {
  const f = new Float64Array(grm.n);
  for (let i = 0; i < grm.n; i++) f[i] = grm.g[i * grm.n + i]! - 1;
  return f;
}

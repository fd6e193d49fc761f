// Genomic breeding values for k traits in one pass over packed genotypes:
//   GEBV_it = mu_t + sum_j (x_ij - 2 p_j) a_jt,   missing genotypes contribute 0 (centred to the mean).
// Per byte column (4 SNPs) and byte value a table holds the k-trait contribution of those 4 SNPs, so an
// animal costs one table lookup and k additions per byte. Tables are built per block of columns small
// enough to stay in L2 (block x 256 x 4 doubles), and traits are processed in groups of four so the four
// running sums live in registers.
import { bytesPerSample, type PackedMatrix } from "../pack";

export interface ScoreOptions {
  /** Intercept per trait (mu). Default 0. */
  readonly intercepts?: ArrayLike<number>;
  /** Score only these rows (output row r is animal rows[r]). */
  readonly rows?: ArrayLike<number>;
}

/** Byte columns per table block: 64 x 256 x 4 doubles = 512 KiB. */
const COLUMN_BLOCK = 64;

/**
 * Centred value of each 2-bit code for SNP j: code 0 -> -2p, 1 (missing) -> 0, 2 -> 1-2p, 3 -> 2-2p.
 * SNPs with a non-finite p (never called) contribute 0 whatever the code.
 */
export function centredCodeValues(p: ArrayLike<number>, j: number, out: Float64Array, offset = 0): void {
  const q = p[j]!;
  if (!Number.isFinite(q)) {
    out[offset] = out[offset + 1] = out[offset + 2] = out[offset + 3] = 0;
    return;
  }
  out[offset] = -2 * q;
  out[offset + 1] = 0;
  out[offset + 2] = 1 - 2 * q;
  out[offset + 3] = 2 - 2 * q;
}

/** The checks every score entry runs before any work: matching lengths, whole rows, one intercept per trait. */
export function checkScoreInputs(
  m: PackedMatrix,
  p: ArrayLike<number>,
  effects: readonly ArrayLike<number>[],
  intercepts?: ArrayLike<number>,
): void {
  if (p.length !== m.nSnps) throw new RangeError(`score: ${p.length} allele frequencies for ${m.nSnps} SNPs`);
  effects.forEach((e, t) => {
    if (e.length !== m.nSnps) throw new RangeError(`score: trait ${t} has ${e.length} effects for ${m.nSnps} SNPs`);
  });
  if (m.data.length < m.nSamples * bytesPerSample(m.nSnps))
    throw new RangeError("score: packed data shorter than nSamples rows");
  if (intercepts && intercepts.length !== effects.length)
    throw new RangeError(`score: ${intercepts.length} intercepts for ${effects.length} traits`);
}

/**
 * A score is summed over SCORE_SEGMENTS runs of byte columns, each from 0; the segment sums are added
 * up in order and the intercept last. Threads that share an animal's columns (scoreGenotypesAsync:
 * each builds the tables of its own columns only, where splitting rows had every thread build them
 * all, ~20 ms per 60K-SNP call) so give the very bits this thread gives.
 */
export const SCORE_SEGMENTS = 8;

/**
 * The first byte column of segment s of rows of `stride` bytes (segment s ends where s + 1 starts). A
 * number, not a [start, end] pair: destructuring a pair in the kernel made it ~45% slower once V8
 * had optimised it on one-row calls (scoreGenotypes 1, 2,000 then 10,000 rows × 60K SNPs).
 */
export function segmentStart(stride: number, s: number): number {
  return Math.floor((s * stride) / SCORE_SEGMENTS);
}

/**
 * Scores every animal (or `rows`) for k traits. Returns a row-major n x k Float64Array
 * (out[r * k + t] = GEBV of animal r for trait t).
 */
export function scoreGenotypes(
  m: PackedMatrix,
  p: ArrayLike<number>,
  effects: readonly ArrayLike<number>[],
  options: ScoreOptions = {},
): Float64Array {
  checkScoreInputs(m, p, effects, options.intercepts);
  const k = effects.length;
  const rows = options.rows;
  const nRows = rows ? rows.length : m.nSamples;
  const parts = new Float64Array(SCORE_SEGMENTS * nRows * k);
  scoreSegments(m, p, effects, 0, SCORE_SEGMENTS, parts, rows);
  return sumSegments(parts, nRows, k, options.intercepts);
}

/**
 * The scores (row-major nRows x k) from all SCORE_SEGMENTS segment sums in `parts` (segment s at
 * s x nRows x k): added up in segment order, then the intercepts — the one order every path uses.
 */
export function sumSegments(
  parts: Float64Array,
  nRows: number,
  k: number,
  intercepts?: ArrayLike<number>,
): Float64Array {
  const n = nRows * k;
  const out = new Float64Array(n);
  for (let s = 0; s < SCORE_SEGMENTS; s++) for (let i = 0, o = s * n; i < n; i++, o++) out[i]! += parts[o]!;
  if (intercepts) for (let i = 0; i < n; i++) out[i] = out[i]! + intercepts[i % k]!;
  return out;
}

/**
 * Segments [from, to) of the scores of every animal (or `rows`) and trait, each summed into its own
 * zeroed n x k block of `out`, segment s at (s - from) x n x k.
 */
export function scoreSegments(
  m: PackedMatrix,
  p: ArrayLike<number>,
  effects: readonly ArrayLike<number>[],
  from: number,
  to: number,
  out: Float64Array,
  rows?: ArrayLike<number>,
): void {
  checkScoreInputs(m, p, effects);
  const k = effects.length;
  const nRows = rows ? rows.length : m.nSamples;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= SCORE_SEGMENTS))
    throw new RangeError(`score: segments ${from}…${to} of ${SCORE_SEGMENTS}`);
  // A typed array drops writes past its end without a word.
  if (out.length < (to - from) * nRows * k) throw new RangeError("score: output shorter than its segments");
  const stride = bytesPerSample(m.nSnps);
  const data = m.data;
  const table = new Float64Array(COLUMN_BLOCK * 256 * 4);
  const codeVal = new Float64Array(4);
  const lo = new Float64Array(16 * 4);
  const hi = new Float64Array(16 * 4);

  for (let seg = from; seg < to; seg++) {
    const cStart = segmentStart(stride, seg);
    const cEnd = segmentStart(stride, seg + 1);
    const base0 = (seg - from) * nRows * k;
    for (let g0 = 0; g0 < k; g0 += 4) {
      const gk = Math.min(4, k - g0);
      for (let c0 = cStart; c0 < cEnd; c0 += COLUMN_BLOCK) {
        const c1 = Math.min(cEnd, c0 + COLUMN_BLOCK);
        // Build the tables: table[(c * 256 + v) * 4 + t] = sum over the 4 SNPs of byte v's centred value * effect.
        for (let c = c0; c < c1; c++) {
          lo.fill(0);
          hi.fill(0);
          for (let s = 0; s < 4; s++) {
            const j = c * 4 + s;
            if (j >= m.nSnps) break;
            centredCodeValues(p, j, codeVal);
            const half = s < 2 ? lo : hi;
            const shift = (s & 1) * 2;
            for (let t = 0; t < gk; t++) {
              const a = effects[g0 + t]![j]!;
              for (let nib = 0; nib < 16; nib++) half[nib * 4 + t]! += codeVal[(nib >>> shift) & 3]! * a;
            }
          }
          const base = (c - c0) * 1024;
          for (let v = 0; v < 256; v++) {
            const l = (v & 15) * 4;
            const h = (v >>> 4) * 4;
            const o = base + v * 4;
            table[o] = lo[l]! + hi[h]!;
            table[o + 1] = lo[l + 1]! + hi[h + 1]!;
            table[o + 2] = lo[l + 2]! + hi[h + 2]!;
            table[o + 3] = lo[l + 3]! + hi[h + 3]!;
          }
        }
        // Accumulate.
        for (let r = 0; r < nRows; r++) {
          const rowStart = (rows ? rows[r]! : r) * stride;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let q = rowStart + c0, e = rowStart + c1, o = 0; q < e; q++, o += 1024) {
            const idx = o + data[q]! * 4;
            s0 += table[idx]!;
            s1 += table[idx + 1]!;
            s2 += table[idx + 2]!;
            s3 += table[idx + 3]!;
          }
          const ob = base0 + r * k + g0;
          out[ob]! += s0;
          if (gk > 1) out[ob + 1]! += s1;
          if (gk > 2) out[ob + 2]! += s2;
          if (gk > 3) out[ob + 3]! += s3;
        }
      }
    }
  }
}

// The centred genotype matrix Z (z_ij = x_ij - 2 p_j, 0 when missing or when SNP j is left out) as a
// linear operator on the packed bytes, never expanded:
//  * Z v : per byte column a 256-entry table of the 4 SNPs' contribution to z_i . v; one lookup per byte;
//  * Z'u : per byte column a 256-bin histogram of the byte values weighted by u_i (one addition per byte),
//          then per SNP the sum over bins of weight x centred value (256 x 4 work per column, independent
//          of the number of animals).
// Both work over blocks of columns small enough (256 x 256 doubles = 512 KiB) to stay in L2.
import { bytesPerSample, type PackedMatrix } from "../pack";
import { centredCodeValues } from "../score/score";

const COLUMN_BLOCK = 256;

export class CentredGenotypeOperator {
  readonly nRows: number;
  readonly nSnps: number;
  /** Centred value per SNP and code: codeValues[j * 4 + code]. */
  readonly codeValues: Float64Array;
  private readonly stride: number;
  private readonly rowStart: Float64Array;
  private readonly block = new Float64Array(COLUMN_BLOCK * 256);

  /**
   * @param p allele frequencies used for centring (length nSnps)
   * @param rows animals (rows of m) taking part, in this order; default all
   * @param snpMask SNPs taking part (1) — others have z = 0; default all with finite p
   */
  constructor(
    readonly m: PackedMatrix,
    readonly p: Float64Array,
    rows?: ArrayLike<number>,
    snpMask?: Uint8Array,
  ) {
    if (p.length !== m.nSnps) throw new RangeError(`${p.length} allele frequencies for ${m.nSnps} SNPs`);
    if (snpMask && snpMask.length !== m.nSnps)
      throw new RangeError(`SNP mask has ${snpMask.length} entries for ${m.nSnps} SNPs`);
    this.nSnps = m.nSnps;
    this.stride = bytesPerSample(m.nSnps);
    this.nRows = rows ? rows.length : m.nSamples;
    this.rowStart = new Float64Array(this.nRows);
    for (let r = 0; r < this.nRows; r++) {
      const i = rows ? rows[r]! : r;
      if (!Number.isInteger(i) || i < 0 || i >= m.nSamples)
        throw new RangeError(`row ${i} outside 0..${m.nSamples - 1}`);
      this.rowStart[r] = i * this.stride;
    }
    this.codeValues = new Float64Array(m.nSnps * 4);
    for (let j = 0; j < m.nSnps; j++) if (!snpMask || snpMask[j]) centredCodeValues(p, j, this.codeValues, j * 4);
  }

  /** out = Z v (length nRows); v has length nSnps. `values` replaces the centred code values (e.g. squared). */
  times(v: Float64Array, out: Float64Array, values: Float64Array = this.codeValues): Float64Array {
    out.fill(0);
    const { stride, rowStart, block: table, nSnps, nRows } = this;
    const cv = values;
    const data = this.m.data;
    for (let c0 = 0; c0 < stride; c0 += COLUMN_BLOCK) {
      const c1 = Math.min(stride, c0 + COLUMN_BLOCK);
      for (let c = c0; c < c1; c++) {
        // lo nibble: SNPs 4c, 4c+1; hi nibble: SNPs 4c+2, 4c+3
        const j = c * 4;
        const w0 = j < nSnps ? v[j]! : 0;
        const w1 = j + 1 < nSnps ? v[j + 1]! : 0;
        const w2 = j + 2 < nSnps ? v[j + 2]! : 0;
        const w3 = j + 3 < nSnps ? v[j + 3]! : 0;
        const base = (c - c0) * 256;
        const k0 = j * 4;
        for (let hiN = 0; hiN < 16; hiN++) {
          const hiVal =
            (j + 2 < nSnps ? cv[k0 + 8 + (hiN & 3)]! * w2 : 0) + (j + 3 < nSnps ? cv[k0 + 12 + (hiN >>> 2)]! * w3 : 0);
          for (let loN = 0; loN < 16; loN++) {
            table[base + (hiN << 4) + loN] =
              hiVal + (j < nSnps ? cv[k0 + (loN & 3)]! * w0 : 0) + (j + 1 < nSnps ? cv[k0 + 4 + (loN >>> 2)]! * w1 : 0);
          }
        }
      }
      for (let r = 0; r < nRows; r++) {
        const s = rowStart[r]!;
        let acc = 0;
        for (let q = s + c0, e = s + c1, o = 0; q < e; q++, o += 256) acc += table[o + data[q]!]!;
        out[r]! += acc;
      }
    }
    return out;
  }

  /** out = Z' u (length nSnps); u has length nRows. `values` replaces the centred code values (e.g. squared). */
  transposeTimes(u: Float64Array, out: Float64Array, values: Float64Array = this.codeValues): Float64Array {
    const { stride, rowStart, block: hist, nSnps, nRows } = this;
    const cv = values;
    const data = this.m.data;
    const s0 = new Float64Array(4);
    const s1 = new Float64Array(4);
    const s2 = new Float64Array(4);
    const s3 = new Float64Array(4);
    for (let c0 = 0; c0 < stride; c0 += COLUMN_BLOCK) {
      const c1 = Math.min(stride, c0 + COLUMN_BLOCK);
      hist.fill(0, 0, (c1 - c0) * 256);
      for (let r = 0; r < nRows; r++) {
        const w = u[r]!;
        const s = rowStart[r]!;
        for (let q = s + c0, e = s + c1, o = 0; q < e; q++, o += 256) hist[o + data[q]!]! += w;
      }
      for (let c = c0; c < c1; c++) {
        s0.fill(0);
        s1.fill(0);
        s2.fill(0);
        s3.fill(0);
        const base = (c - c0) * 256;
        for (let v = 0; v < 256; v++) {
          const w = hist[base + v]!;
          if (w === 0) continue;
          s0[v & 3]! += w;
          s1[(v >>> 2) & 3]! += w;
          s2[(v >>> 4) & 3]! += w;
          s3[v >>> 6]! += w;
        }
        const j = c * 4;
        const sums = [s0, s1, s2, s3];
        for (let t = 0; t < 4 && j + t < nSnps; t++) {
          const st = sums[t]!;
          const k = (j + t) * 4;
          out[j + t] = st[0]! * cv[k]! + st[2]! * cv[k + 2]! + st[3]! * cv[k + 3]!;
        }
      }
    }
    return out;
  }

  /** Per SNP: sum_i z_ij and sum_i z_ij^2 over the operator's rows. */
  columnMoments(): { sum: Float64Array; sumSquares: Float64Array } {
    const ones = new Float64Array(this.nRows).fill(1);
    const sum = this.transposeTimes(ones, new Float64Array(this.nSnps));
    const squared = new Float64Array(this.codeValues.length);
    for (let k = 0; k < squared.length; k++) squared[k] = this.codeValues[k]! * this.codeValues[k]!;
    const sumSquares = this.transposeTimes(ones, new Float64Array(this.nSnps), squared);
    return { sum, sumSquares };
  }
}

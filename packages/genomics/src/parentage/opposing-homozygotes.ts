// Opposing homozygotes between two animals straight from packed bytes.
// A SNP is an opposing homozygote when one animal is AA (code 00) and the other BB (code 11), and it is
// "common" when both are called. A 65,536-entry table indexed by (byte of A, byte of B) holds both counts
// for the 4 SNPs of the byte pair, packed as conflicts + common * 2^21 so one addition per byte keeps
// both sums exactly (in a double, for panels of up to 2^21 SNPs).
// SNPs left out (mask) and the padding SNPs of the last byte are handled by presenting the first animal's
// row with those codes set to missing (see maskedRow), so the inner loop has no per-SNP branches.
import { bytesPerSample } from "../pack";

const COMMON_SHIFT = 2097152; // 2^21
const MAX_SNPS = COMMON_SHIFT - 1;

/** PAIR_TABLE[(a << 8) | b] = opposing homozygotes + common calls * 2^21 over the byte pair's 4 SNPs. */
export const PAIR_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      let conflicts = 0;
      let common = 0;
      for (let s = 0; s < 8; s += 2) {
        const ca = (a >>> s) & 3;
        const cb = (b >>> s) & 3;
        if (ca === 1 || cb === 1) continue;
        common++;
        if ((ca === 0 && cb === 3) || (ca === 3 && cb === 0)) conflicts++;
      }
      t[(a << 8) | b] = conflicts + common * COMMON_SHIFT;
    }
  }
  return t;
})();

export interface OpposingHomozygotes {
  /** Opposing homozygous SNPs. */
  readonly conflicts: number;
  /** SNPs called in both animals (and in the mask). */
  readonly common: number;
}

/**
 * A copy of a packed row where SNPs outside `mask` and the padding SNPs of the last byte read as missing,
 * ready to be the first argument of countOpposingHomozygotes.
 */
export function maskedRow(row: Uint8Array, nSnps: number, mask?: Uint8Array): Uint8Array {
  if (nSnps > MAX_SNPS) throw new RangeError(`parentage: at most ${MAX_SNPS} SNPs`);
  const stride = bytesPerSample(nSnps);
  const out = row.slice(0, stride);
  for (let j = nSnps; j < stride * 4; j++) {
    const k = j >>> 2;
    const sh = (j & 3) << 1;
    out[k] = (out[k]! & ~(3 << sh)) | (1 << sh);
  }
  if (mask) {
    if (mask.length !== nSnps) throw new RangeError(`parentage: mask has ${mask.length} entries for ${nSnps} SNPs`);
    for (let j = 0; j < nSnps; j++) {
      if (mask[j]) continue;
      const k = j >>> 2;
      const sh = (j & 3) << 1;
      out[k] = (out[k]! & ~(3 << sh)) | (1 << sh);
    }
  }
  return out;
}

/**
 * Counts opposing homozygotes between `a` (prepared by maskedRow) and `b` (bytes bOffset .. bOffset+len).
 */
export function countOpposingHomozygotes(a: Uint8Array, b: Uint8Array, bOffset = 0): OpposingHomozygotes {
  const len = a.length;
  const t = PAIR_TABLE;
  let acc = 0;
  for (let k = 0; k < len; k++) acc += t[(a[k]! << 8) | b[bOffset + k]!]!;
  const common = Math.floor(acc / COMMON_SHIFT);
  return { conflicts: acc - common * COMMON_SHIFT, common };
}

// 2-bit genotype packing with PLINK 1 .bed code semantics, first SNP in the low bits of byte 0.
// A genotype is the count of the panel's B (second) allele: 0, 1, 2, or MISSING.
//   code 0b00 -> 0 (hom first/A allele)   0b01 -> missing
//   code 0b10 -> 1 (het)                  0b11 -> 2 (hom second/B allele)
// Storage is sample-major: one row of ceil(nSnps / 4) bytes per animal, as stored in the database.

export const MISSING = -1;

/** Code written for each B-allele count; index 3 holds the code for MISSING. */
const CODE_OF_COUNT = [0b00, 0b10, 0b11, 0b01] as const;
/** B-allele count (or MISSING) for each 2-bit code. */
export const COUNT_OF_CODE: readonly number[] = [0, MISSING, 1, 2];

export function bytesPerSample(nSnps: number): number {
  return (nSnps + 3) >>> 2;
}

/** Packs B-allele counts (0/1/2, MISSING for no call) into 2-bit codes. Unused trailing bits are 0. */
export function packCounts(counts: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const n = counts.length;
  const bytes = out ?? new Uint8Array(bytesPerSample(n));
  if (bytes.length < bytesPerSample(n))
    throw new RangeError(`packCounts: output holds ${bytes.length} bytes, need ${bytesPerSample(n)}`);
  bytes.fill(0, 0, bytesPerSample(n));
  for (let j = 0; j < n; j++) {
    const c = counts[j]!;
    // Only 0, 1, 2 and MISSING have a code: CODE_OF_COUNT[3] is MISSING's slot, so 3 must not index it.
    const code = c === 0 || c === 1 || c === 2 ? CODE_OF_COUNT[c] : c === MISSING ? CODE_OF_COUNT[3] : undefined;
    if (code === undefined) throw new RangeError(`packCounts: genotype ${c} at SNP ${j} is not 0, 1, 2 or MISSING`);
    bytes[j >>> 2]! |= code << ((j & 3) << 1);
  }
  return bytes;
}

/** Unpacks nSnps genotypes from a packed row into B-allele counts (MISSING for no call). */
export function unpackCounts(bytes: Uint8Array, nSnps: number, out?: Int8Array): Int8Array {
  if (bytes.length < bytesPerSample(nSnps))
    throw new RangeError(`unpackCounts: ${bytes.length} bytes cannot hold ${nSnps} SNPs`);
  const counts = out ?? new Int8Array(nSnps);
  for (let j = 0; j < nSnps; j++) {
    counts[j] = COUNT_OF_CODE[(bytes[j >>> 2]! >>> ((j & 3) << 1)) & 3]!;
  }
  return counts;
}

/** A set of animals' packed genotypes on one panel, rows back to back. */
export interface PackedMatrix {
  readonly nSamples: number;
  readonly nSnps: number;
  /** nSamples * bytesPerSample(nSnps) bytes, sample-major. */
  readonly data: Uint8Array;
}

export function sampleRow(m: PackedMatrix, i: number): Uint8Array {
  const stride = bytesPerSample(m.nSnps);
  return m.data.subarray(i * stride, (i + 1) * stride);
}

// ---- Additions for the formats and the simulator (semantics above unchanged). ----

/** A packed byte holding four missing codes (0b01 in every slot). */
export const MISSING_BYTE = 0x55;

/** A new matrix of nSamples rows, every call missing (trailing bits of each row are 0). */
export function createPackedMatrix(nSamples: number, nSnps: number): PackedMatrix {
  const stride = bytesPerSample(nSnps);
  const data = new Uint8Array(nSamples * stride);
  if (nSnps > 0) {
    const row = missingRow(nSnps);
    for (let i = 0; i < nSamples; i++) data.set(row, i * stride);
  }
  return { nSamples, nSnps, data };
}

/** A packed row of nSnps missing calls; unused trailing bits are 0. */
export function missingRow(nSnps: number): Uint8Array {
  const row = new Uint8Array(bytesPerSample(nSnps)).fill(MISSING_BYTE);
  const rem = nSnps & 3;
  if (rem !== 0) row[row.length - 1] = MISSING_BYTE & ((1 << (rem << 1)) - 1);
  return row;
}

/** The 2-bit code of SNP j in a packed row. */
export function codeAt(row: Uint8Array, j: number): number {
  return (row[j >>> 2]! >>> ((j & 3) << 1)) & 3;
}

/** The B-allele count (or MISSING) of SNP j in a packed row. */
export function countAt(row: Uint8Array, j: number): number {
  return COUNT_OF_CODE[codeAt(row, j)]!;
}

/** Overwrites the 2-bit code of SNP j in a packed row. */
export function setCode(row: Uint8Array, j: number, code: number): void {
  const shift = (j & 3) << 1;
  const k = j >>> 2;
  row[k] = (row[k]! & ~(3 << shift)) | ((code & 3) << shift);
}

/** Code for a B-allele count 0/1/2 or MISSING. */
export function codeOfCount(count: number): number {
  if (count === MISSING) return CODE_OF_COUNT[3];
  if (count === 0 || count === 1 || count === 2) return CODE_OF_COUNT[count];
  throw new RangeError(`genotype ${count} is not 0, 1, 2 or MISSING`);
}

/**
 * Transposes a 2-bit code matrix: `rows` rows of `srcStride` bytes each holding `cols` codes
 * (first code in the low bits) become `cols` rows of `dstStride` bytes each holding `rows` codes.
 * This turns sample-major rows into PLINK's SNP-major .bed layout and back. It works on 4x4 tiles:
 * four source bytes make one 32-bit word, two delta swaps transpose the 4x4 grid of 2-bit codes,
 * and the word's four bytes are the four destination bytes. `src` and `dst` may be subarrays so a
 * caller can transpose a block of columns at a time. Unused trailing bits in `dst` are written 0.
 */
export function transposeCodes(
  src: Uint8Array,
  rows: number,
  cols: number,
  srcStride: number = bytesPerSample(cols),
  dst: Uint8Array = new Uint8Array(cols * bytesPerSample(rows)),
  dstStride: number = bytesPerSample(rows),
): Uint8Array {
  const colBytes = bytesPerSample(cols);
  const fullColBytes = cols >>> 2;
  const rowGroups = bytesPerSample(rows);
  for (let h = 0; h < rowGroups; h++) {
    const r0 = h << 2;
    const nr = rows - r0 < 4 ? rows - r0 : 4;
    const b0 = r0 * srcStride;
    const b1 = b0 + srcStride;
    const b2 = b1 + srcStride;
    const b3 = b2 + srcStride;
    for (let g = 0; g < colBytes; g++) {
      let w: number;
      if (nr === 4) w = src[b0 + g]! | (src[b1 + g]! << 8) | (src[b2 + g]! << 16) | (src[b3 + g]! << 24);
      else {
        w = src[b0 + g]!;
        if (nr > 1) w |= src[b1 + g]! << 8;
        if (nr > 2) w |= src[b2 + g]! << 16;
      }
      let x = ((w >>> 6) ^ w) & 0x00cc00cc;
      w ^= x ^ (x << 6);
      x = ((w >>> 12) ^ w) & 0x0000f0f0;
      w ^= x ^ (x << 12);
      const d = (g << 2) * dstStride + h;
      if (g < fullColBytes) {
        dst[d] = w & 255;
        dst[d + dstStride] = (w >>> 8) & 255;
        dst[d + 2 * dstStride] = (w >>> 16) & 255;
        dst[d + 3 * dstStride] = w >>> 24;
      } else {
        const left = cols - (g << 2);
        dst[d] = w & 255;
        if (left > 1) dst[d + dstStride] = (w >>> 8) & 255;
        if (left > 2) dst[d + 2 * dstStride] = (w >>> 16) & 255;
      }
    }
  }
  return dst;
}

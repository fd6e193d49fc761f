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
  if (bytes.length < bytesPerSample(n)) throw new RangeError(`packCounts: output holds ${bytes.length} bytes, need ${bytesPerSample(n)}`);
  bytes.fill(0, 0, bytesPerSample(n));
  for (let j = 0; j < n; j++) {
    const c = counts[j]!;
    const code = c === MISSING ? CODE_OF_COUNT[3] : CODE_OF_COUNT[c as 0 | 1 | 2];
    if (code === undefined) throw new RangeError(`packCounts: genotype ${c} at SNP ${j} is not 0, 1, 2 or MISSING`);
    bytes[j >>> 2]! |= code << ((j & 3) << 1);
  }
  return bytes;
}

/** Unpacks nSnps genotypes from a packed row into B-allele counts (MISSING for no call). */
export function unpackCounts(bytes: Uint8Array, nSnps: number, out?: Int8Array): Int8Array {
  if (bytes.length < bytesPerSample(nSnps)) throw new RangeError(`unpackCounts: ${bytes.length} bytes cannot hold ${nSnps} SNPs`);
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

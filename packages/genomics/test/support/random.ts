// Deterministic generators for tests: a small PRNG and random packed genotype matrices.
import { bytesPerSample, type PackedMatrix } from "../../src/pack";

/** mulberry32: tiny deterministic PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface RandomGenotypesOptions {
  readonly nSamples: number;
  readonly nSnps: number;
  readonly seed: number;
  /** Probability that a genotype is missing. */
  readonly missingRate?: number;
  /** SNPs with this index set get no B allele (monomorphic). */
  readonly monomorphic?: ReadonlySet<number>;
  /** Fraction of SNPs generated out of HWE (excess homozygotes). */
  readonly nonHweFraction?: number;
}

const CODE = [0b00, 0b10, 0b11] as const;

/** Random genotypes: per-SNP B-allele frequency uniform in (0.02, 0.98), HWE unless told otherwise. */
export function randomGenotypes(o: RandomGenotypesOptions): { m: PackedMatrix; p: Float64Array } {
  const rand = rng(o.seed);
  const p = new Float64Array(o.nSnps);
  const nonHwe = new Uint8Array(o.nSnps);
  for (let j = 0; j < o.nSnps; j++) {
    p[j] = o.monomorphic?.has(j) ? 0 : 0.02 + 0.96 * rand();
    nonHwe[j] = rand() < (o.nonHweFraction ?? 0) ? 1 : 0;
  }
  const stride = bytesPerSample(o.nSnps);
  const data = new Uint8Array(o.nSamples * stride);
  const miss = o.missingRate ?? 0;
  for (let i = 0; i < o.nSamples; i++) {
    for (let j = 0; j < o.nSnps; j++) {
      let code: number;
      if (miss > 0 && rand() < miss) code = 0b01;
      else if (nonHwe[j]) code = rand() < p[j]! ? CODE[2] : rand() < 0.1 ? CODE[1] : CODE[0];
      else code = CODE[((rand() < p[j]! ? 1 : 0) + (rand() < p[j]! ? 1 : 0)) as 0 | 1 | 2];
      data[i * stride + (j >> 2)]! |= code << ((j & 3) << 1);
    }
  }
  return { m: { nSamples: o.nSamples, nSnps: o.nSnps, data }, p };
}

/** Dense copy as Float64 B-allele counts (NaN for missing), for reference computations in tests. */
export function denseCounts(m: PackedMatrix): Float64Array[] {
  const stride = bytesPerSample(m.nSnps);
  const rows: Float64Array[] = [];
  const value = [0, Number.NaN, 1, 2];
  for (let i = 0; i < m.nSamples; i++) {
    const r = new Float64Array(m.nSnps);
    for (let j = 0; j < m.nSnps; j++) r[j] = value[(m.data[i * stride + (j >> 2)]! >> ((j & 3) << 1)) & 3]!;
    rows.push(r);
  }
  return rows;
}

// Haplotypes as bitsets (bit j of a haplotype = 1 when it carries SNP j's B allele) and meiosis:
// a gamete copies segments of the two parental haplotypes between crossovers, whose number per
// chromosome is Poisson with mean the chromosome's length in Morgans (Haldane: no interference).
import type { SimulatedGenome } from "./genome";
import type { Rng } from "./rng";

export function wordsPerHaplotype(nSnps: number): number {
  return (nSnps + 31) >>> 5;
}

/** Copies bits [from, to) of src into dst. */
export function copyBits(src: Uint32Array, dst: Uint32Array, from: number, to: number): void {
  if (from >= to) return;
  const w0 = from >>> 5;
  const w1 = (to - 1) >>> 5;
  const m0 = (0xffffffff << (from & 31)) >>> 0;
  const m1 = 0xffffffff >>> (31 - ((to - 1) & 31));
  if (w0 === w1) {
    const m = m0 & m1;
    dst[w0] = (dst[w0]! & ~m) | (src[w0]! & m);
    return;
  }
  dst[w0] = (dst[w0]! & ~m0) | (src[w0]! & m0);
  if (w1 > w0 + 1) dst.set(src.subarray(w0 + 1, w1), w0 + 1);
  dst[w1] = (dst[w1]! & ~m1) | (src[w1]! & m1);
}

/** First marker index in [lo, hi) whose genetic position is >= x (binary search). */
function lowerBound(pos: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pos[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const crossovers: number[] = [];

/** Writes a recombinant gamete of parental haplotypes h0/h1 into out. */
export function makeGamete(
  rng: Rng,
  genome: SimulatedGenome,
  h0: Uint32Array,
  h1: Uint32Array,
  out: Uint32Array,
): void {
  const { chromosomes, chromStart, morgans } = genome;
  for (let c = 0; c < chromosomes.length; c++) {
    const s = chromStart[c]!;
    const e = chromStart[c + 1]!;
    if (s === e) continue;
    const k = rng.poisson(chromosomes[c]!.lengthMorgans);
    let src = rng.u32() & 1;
    if (k === 0) {
      copyBits(src === 0 ? h0 : h1, out, s, e);
      continue;
    }
    crossovers.length = 0;
    for (let i = 0; i < k; i++) crossovers.push(rng.float() * chromosomes[c]!.lengthMorgans);
    crossovers.sort((x, y) => x - y);
    let from = s;
    for (const x of crossovers) {
      const to = lowerBound(morgans, from, e, x);
      copyBits(src === 0 ? h0 : h1, out, from, to);
      from = to;
      src ^= 1;
    }
    copyBits(src === 0 ? h0 : h1, out, from, e);
  }
}

function spread16(x: number): number {
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/**
 * Packs the genotype of two haplotypes into a row of 2-bit codes (src/pack.ts semantics): per
 * SNP the low code bit is h0 AND h1, the high bit h0 OR h1, giving 00 / 10 / 11 for 0 / 1 / 2.
 */
export function packHaplotypes(h0: Uint32Array, h1: Uint32Array, nSnps: number, row: Uint8Array): void {
  const nBytes = (nSnps + 3) >>> 2;
  const nWords = wordsPerHaplotype(nSnps);
  for (let w = 0; w < nWords; w++) {
    const x = h0[w]!;
    const y = h1[w]!;
    const lo = x & y;
    const hi = x | y;
    const p0 = spread16(lo & 0xffff) | (spread16(hi & 0xffff) << 1);
    const p1 = spread16(lo >>> 16) | (spread16(hi >>> 16) << 1);
    const b = w << 3;
    if (b + 8 <= nBytes) {
      row[b] = p0 & 255;
      row[b + 1] = (p0 >>> 8) & 255;
      row[b + 2] = (p0 >>> 16) & 255;
      row[b + 3] = p0 >>> 24;
      row[b + 4] = p1 & 255;
      row[b + 5] = (p1 >>> 8) & 255;
      row[b + 6] = (p1 >>> 16) & 255;
      row[b + 7] = p1 >>> 24;
    } else {
      for (let i = 0; i < 8 && b + i < nBytes; i++) row[b + i] = ((i < 4 ? p0 : p1) >>> ((i & 3) << 3)) & 255;
    }
  }
}

/** B-allele count at SNP j of a diploid genotype given as two haplotypes. */
export function haplotypeCount(h0: Uint32Array, h1: Uint32Array, j: number): number {
  return ((h0[j >>> 5]! >>> (j & 31)) & 1) + ((h1[j >>> 5]! >>> (j & 31)) & 1);
}

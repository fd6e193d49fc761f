// Worker-thread versions of the heavy kernels: same results as the in-thread functions, computed on a
// KernelPool with the packed genotypes shared (SharedArrayBuffer) rather than copied per worker.
import { bytesPerSample, type PackedMatrix } from "../pack";
import {
  balancedTileRanges,
  finishSymmetric,
  grmSnps,
  pooledFrequencies,
  type Grm,
  type GrmOptions,
} from "../relationship/grm";
import { SCORE_SEGMENTS, checkScoreInputs, sumSegments } from "../score/score";
import type { GenotypeSummary } from "../stats/frequencies";
import { KernelPool, toShared } from "./pool";

async function withPool<T>(pool: KernelPool | undefined, f: (pool: KernelPool) => Promise<T>): Promise<T> {
  const own = pool ?? new KernelPool();
  try {
    return await f(own);
  } finally {
    if (!pool) await own.close();
  }
}

/**
 * The matrix's shared buffer as it is when its rows start it (workers read nSamples rows only), else
 * a copy of the rows (a matrix shorter than its rows fails in the worker, as in this thread).
 */
function sharedGenotypes(m: PackedMatrix): SharedArrayBuffer {
  const bytes = m.nSamples * bytesPerSample(m.nSnps);
  if (m.data.buffer instanceof SharedArrayBuffer && m.data.byteOffset === 0 && m.data.byteLength >= bytes)
    return m.data.buffer;
  return toShared(m.data.subarray(0, bytes));
}

/** VanRaden G (see relationship/grm.ts) computed on worker threads; the lower triangle is split evenly. */
export async function vanRadenGAsync(m: PackedMatrix, options: GrmOptions & { pool?: KernelPool } = {}): Promise<Grm> {
  const p = options.p ?? pooledFrequencies(m);
  if (p.length !== m.nSnps) throw new RangeError(`${p.length} allele frequencies for ${m.nSnps} SNPs`);
  const { snps, denominator } = grmSnps(p, options.snpMask);
  if (denominator === 0) throw new RangeError("no polymorphic SNPs for G");
  const n = m.nSamples;
  return withPool(options.pool, async (pool) => {
    const out = new SharedArrayBuffer(n * n * 8);
    const base = {
      nSamples: n,
      nSnps: m.nSnps,
      genotypes: sharedGenotypes(m),
      p: toShared(p),
      out,
      snps: toShared(snps),
    };
    const ranges = balancedTileRanges((n + 3) >> 2, pool.size);
    await Promise.all(
      ranges.map(([t0, t1]) => pool.run({ kind: "grm-rows", ...base, tileRowStart: t0, tileRowEnd: t1 })),
    );
    const g = new Float64Array(out);
    finishSymmetric(g, n, denominator);
    return { n, g, p, snpsUsed: snps.length, denominator };
  });
}

/**
 * scoreGenotypes on worker threads, its column segments split between the workers (each builds the
 * lookup tables of its own columns). Returns row-major n x k, the same bits as scoreGenotypes.
 */
export async function scoreGenotypesAsync(
  m: PackedMatrix,
  p: Float64Array,
  effects: readonly Float64Array[],
  options: { intercepts?: number[]; pool?: KernelPool } = {},
): Promise<Float64Array> {
  checkScoreInputs(m, p, effects, options.intercepts);
  const k = effects.length;
  return withPool(options.pool, async (pool) => {
    const out = new SharedArrayBuffer(SCORE_SEGMENTS * m.nSamples * k * 8);
    const base = {
      nSamples: m.nSamples,
      nSnps: m.nSnps,
      genotypes: sharedGenotypes(m),
      p: toShared(p),
      out,
      effects: effects.map(toShared),
    };
    const parts = Math.min(pool.size, SCORE_SEGMENTS);
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < parts; i++) {
      const segStart = Math.floor((i * SCORE_SEGMENTS) / parts);
      const segEnd = Math.floor(((i + 1) * SCORE_SEGMENTS) / parts);
      jobs.push(pool.run({ kind: "score-segments", ...base, segStart, segEnd }));
    }
    await Promise.all(jobs);
    return sumSegments(new Float64Array(out), m.nSamples, k, options.intercepts);
  });
}

/** summarizeGenotypes (per-SNP and per-animal counts) on worker threads, rows split between them. */
export async function summarizeGenotypesAsync(
  m: PackedMatrix,
  options: { pool?: KernelPool } = {},
): Promise<GenotypeSummary> {
  const { nSamples, nSnps } = m;
  return withPool(options.pool, async (pool) => {
    const parts = Math.max(1, Math.min(pool.size, nSamples));
    const chunk = Math.ceil(nSamples / parts);
    const out = new SharedArrayBuffer(parts * 4 * nSnps * 4);
    const samples = new SharedArrayBuffer(2 * nSamples * 4);
    const genotypes = sharedGenotypes(m);
    const jobs: Promise<void>[] = [];
    for (let k = 0; k < parts; k++) {
      const rowStart = k * chunk;
      const rowEnd = Math.min(nSamples, rowStart + chunk);
      if (rowStart >= rowEnd) break;
      jobs.push(
        pool.run({
          kind: "summary-rows",
          nSamples,
          nSnps,
          genotypes,
          out,
          samples,
          rowStart,
          rowEnd,
          partOffset: k * 4 * nSnps,
        }),
      );
    }
    await Promise.all(jobs);
    const all = new Uint32Array(out);
    const sum = (field: number) => {
      const r = new Uint32Array(nSnps);
      for (let k = 0; k < jobs.length; k++) {
        const base = k * 4 * nSnps + field * nSnps;
        for (let j = 0; j < nSnps; j++) r[j]! += all[base + j]!;
      }
      return r;
    };
    const s = new Uint32Array(samples);
    return {
      snps: { nSnps, nSamples, hom0: sum(0), het: sum(1), hom2: sum(2), missing: sum(3) },
      samples: { nSnps, missing: s.slice(0, nSamples), het: s.slice(nSamples) },
    };
  });
}

import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  bAlleleFrequencies,
  sampleCallRates,
  sampleHeterozygosity,
  snpCallRates,
  summarizeGenotypes,
} from "../src/stats/frequencies";
import { summarizeBed, summarizeBedFile, type BedSummary } from "../src/stats/bed-summary";
import { hweExactP } from "../src/stats/hwe";
import { runQc } from "../src/stats/qc";
import { column, PLINK2, readTable, removeTempDirs, runPlink, tempDir, writePlinkFileset } from "./support/plink";
import { denseCounts, randomGenotypes } from "./support/random";

afterAll(removeTempDirs);

/** summarizeBed's counts on the .bed plink2 read: exactly plink2's counts, its frequencies within 1e-6. */
function compareBedSummaryWithPlink(b: BedSummary, prefix: string, nSamples: number, nSnps: number) {
  const gc = readTable(`${prefix}.gcount`);
  expect(Array.from(b.snps.hom2)).toEqual(column(gc, "HOM_REF_CT").map(Number));
  expect(Array.from(b.snps.het)).toEqual(column(gc, "HET_REF_ALT_CTS").map(Number));
  expect(Array.from(b.snps.hom0)).toEqual(column(gc, "TWO_ALT_GENO_CTS").map(Number));
  expect(Array.from(b.snps.missing)).toEqual(column(gc, "MISSING_CT").map(Number));
  expect(b.snps.nSamples).toBe(nSamples);
  const smiss = readTable(`${prefix}.smiss`);
  expect(Array.from(b.samples.missing)).toEqual(column(smiss, "MISSING_CT").map(Number));
  const fMiss = column(smiss, "F_MISS").map(Number);
  const sCall = sampleCallRates(b.samples);
  for (let i = 0; i < nSamples; i++) expect(Math.abs(1 - fMiss[i]! - sCall[i]!)).toBeLessThan(1e-6);
  const altFreq = column(readTable(`${prefix}.afreq`), "ALT_FREQS").map(Number);
  const p = bAlleleFrequencies(b.snps);
  for (let j = 0; j < nSnps; j++) expect(Math.abs(1 - altFreq[j]! - p[j]!)).toBeLessThan(1e-6);
  const vmiss = column(readTable(`${prefix}.vmiss`), "F_MISS").map(Number);
  const callRate = snpCallRates(b.snps);
  for (let j = 0; j < nSnps; j++) expect(Math.abs(1 - vmiss[j]! - callRate[j]!)).toBeLessThan(1e-6);
}

async function compareWithPlink(nSamples: number, nSnps: number, seed: number, smallestBelow: number) {
  const mono = new Set([3, 17, 18]);
  const { m } = randomGenotypes({ nSamples, nSnps, seed, missingRate: 0.04, monomorphic: mono, nonHweFraction: 0.2 });
  const dir = tempDir("stats");
  const prefix = `${dir}/d`;
  writePlinkFileset(prefix, m);
  runPlink(PLINK2, ["--bfile", prefix, "--freq", "--missing", "--hardy", "--geno-counts", "--out", prefix]);
  const summary = summarizeGenotypes(m);
  const p = bAlleleFrequencies(summary.snps);

  // The SNP-major path on the very file plink2 read: from disk (small blocks, so several blocks and a
  // partial last tile) and from the bytes in odd-sized chunks.
  compareBedSummaryWithPlink(
    await summarizeBedFile(`${prefix}.bed`, nSamples, nSnps, { blockBytes: 4096 }),
    prefix,
    nSamples,
    nSnps,
  );
  compareBedSummaryWithPlink(await summarizeBedFile(`${prefix}.bed`, nSamples, nSnps), prefix, nSamples, nSnps);
  const bed = readFileSync(`${prefix}.bed`);
  const odd = function* () {
    for (let o = 0; o < bed.length; o += 1237) yield bed.subarray(o, Math.min(bed.length, o + 1237));
  };
  compareBedSummaryWithPlink(await summarizeBed(odd(), nSamples, nSnps, { blockBytes: 3000 }), prefix, nSamples, nSnps);

  const gc = readTable(`${prefix}.gcount`);
  // plink2: REF = A2 = our B allele, ALT = A1; HOM_REF = two B alleles.
  const homRef = column(gc, "HOM_REF_CT").map(Number);
  const het = column(gc, "HET_REF_ALT_CTS").map(Number);
  const homAlt = column(gc, "TWO_ALT_GENO_CTS").map(Number);
  const missing = column(gc, "MISSING_CT").map(Number);
  expect(Array.from(summary.snps.hom2)).toEqual(homRef);
  expect(Array.from(summary.snps.het)).toEqual(het);
  expect(Array.from(summary.snps.hom0)).toEqual(homAlt);
  expect(Array.from(summary.snps.missing)).toEqual(missing);

  const altFreq = column(readTable(`${prefix}.afreq`), "ALT_FREQS").map(Number);
  for (let j = 0; j < nSnps; j++) expect(Math.abs(1 - altFreq[j]! - p[j]!)).toBeLessThan(1e-6);

  const vmiss = column(readTable(`${prefix}.vmiss`), "F_MISS").map(Number);
  const callRate = snpCallRates(summary.snps);
  for (let j = 0; j < nSnps; j++) expect(Math.abs(1 - vmiss[j]! - callRate[j]!)).toBeLessThan(1e-6);
  const smiss = column(readTable(`${prefix}.smiss`), "F_MISS").map(Number);
  const sCall = sampleCallRates(summary.samples);
  for (let i = 0; i < nSamples; i++) expect(Math.abs(1 - smiss[i]! - sCall[i]!)).toBeLessThan(1e-6);

  const hardy = readTable(`${prefix}.hardy`);
  const hp = column(hardy, "P").map(Number);
  let smallest = 1;
  for (let j = 0; j < nSnps; j++) {
    const ours = hweExactP(summary.snps.het[j]!, summary.snps.hom0[j]!, summary.snps.hom2[j]!);
    smallest = Math.min(smallest, ours);
    // plink2 prints 6 significant digits: absolute 1e-6 and relative 5e-6 (rounding) both hold
    expect(Math.abs(ours - hp[j]!)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(ours - hp[j]!)).toBeLessThanOrEqual(5e-6 * hp[j]!);
  }
  expect(smallest).toBeLessThan(smallestBelow); // the non-HWE SNPs are really tested

  // Per-sample counts against a dense recount.
  const dense = denseCounts(m);
  const hetRate = sampleHeterozygosity(summary.samples);
  dense.forEach((row, i) => {
    let called = 0;
    let h = 0;
    for (const x of row) {
      if (Number.isNaN(x)) continue;
      called++;
      if (x === 1) h++;
    }
    expect(summary.samples.missing[i]).toBe(nSnps - called);
    expect(hetRate[i]).toBeCloseTo(h / called, 12);
  });
  return { m, summary };
}

describe("genotype statistics agree with plink2", () => {
  it("counts, frequencies, call rates and HWE p on 400 x 1001 SNPs (odd SNP count: padding bits)", async () => {
    await compareWithPlink(400, 1001, 11, 1e-10);
  });
  it("small samples hit the HWE tail/tie cases: 23 x 203 (.bed rows of 6 bytes: not word-aligned, padding calls)", async () => {
    await compareWithPlink(23, 203, 5, 1e-5);
  });
  it("summarizeBed on 1,037 x 97 (rows of 260 bytes: more than 63 words, 13 padding calls in the last word)", async () => {
    await compareWithPlink(1037, 97, 21, 1e-3);
  });
});

describe("HWE exact test", () => {
  it("matches values from Wigginton et al. style enumeration", () => {
    // Enumerate the exact conditional distribution with exact rational-ish doubles for a small case.
    const exact = (hets: number, a: number, b: number): number => {
      const n = hets + a + b;
      const nRare = 2 * Math.min(a, b) + hets;
      const lf = (k: number) => {
        let s = 0;
        for (let i = 2; i <= k; i++) s += Math.log(i);
        return s;
      };
      const lp = (h: number) =>
        lf(n) -
        lf(h) -
        lf((nRare - h) / 2) -
        lf(n - h - (nRare - h) / 2) +
        h * Math.log(2) +
        lf(nRare) +
        lf(2 * n - nRare) -
        lf(2 * n);
      const obs = lp(hets);
      let tail = 0;
      for (let h = nRare % 2; h <= nRare; h += 2) if (lp(h) <= obs + 1e-9) tail += Math.exp(lp(h));
      return tail;
    };
    for (const [h, a, b] of [
      [10, 40, 50],
      [0, 50, 50],
      [100, 0, 0],
      [3, 1, 96],
      [57, 21, 22],
      [1, 0, 0],
    ] as const) {
      expect(hweExactP(h, a, b)).toBeCloseTo(exact(h, a, b), 10);
    }
    expect(hweExactP(0, 0, 0)).toBe(1);
    expect(hweExactP(0, 0, 0, { midp: true })).toBe(0.5);
  });
});

describe("QC", () => {
  it("fails low call-rate animals, drops low call-rate / monomorphic / duplicate SNPs, MAF filter for relationships", () => {
    const { m } = randomGenotypes({ nSamples: 60, nSnps: 40, seed: 3, monomorphic: new Set([5]) });
    // Animal 2: set 50% of its genotypes missing; SNP 7: set missing for 20% of animals.
    const stride = 10;
    const data = m.data;
    const setMissing = (i: number, j: number) => {
      const k = i * stride + (j >> 2);
      data[k] = (data[k]! & ~(3 << ((j & 3) << 1))) | (1 << ((j & 3) << 1));
    };
    for (let j = 0; j < 40; j += 2) setMissing(2, j);
    for (let i = 0; i < 12; i++) setMissing(i + 10, 7);
    const panel = Array.from({ length: 40 }, (_, j) => ({ chrom: "1", position: j === 9 ? 8 : j }));
    const qc = runQc(m, panel);
    expect(qc.samples.pass[2]).toBe(0);
    expect(qc.passingSamples.length).toBe(59);
    expect(qc.snps.pass[7]).toBe(0); // 12/59 missing -> call rate 0.797
    expect(qc.snps.monomorphic[5]).toBe(1);
    expect(qc.snps.pass[5]).toBe(0);
    expect(qc.snps.duplicatePosition[8]).toBe(1);
    expect(qc.snps.duplicatePosition[9]).toBe(1);
    expect(qc.snps.pass[8]! + qc.snps.pass[9]!).toBe(1);
    for (let j = 0; j < 40; j++) {
      const expected = qc.snps.pass[j] === 1 && qc.snps.maf[j]! >= 0.05 ? 1 : 0;
      expect(qc.snps.useForRelationships[j]).toBe(expected);
    }
    // SNP statistics are over the 59 passing animals.
    expect(qc.snps.counts.nSamples).toBe(59);
  });
});

describe("summarizeGenotypes on a subset of rows", () => {
  /** Per-SNP and per-animal counts of the chosen rows, recounted call by call. */
  function recount(dense: Float64Array[], rows: number[], nSnps: number) {
    const bySnp = { hom0: new Array(nSnps).fill(0), het: new Array(nSnps).fill(0), hom2: new Array(nSnps).fill(0) };
    const missing = new Array(nSnps).fill(0);
    const sampleMissing = rows.map((i) =>
      dense[i]!.reduce((n, x, j) => {
        if (Number.isNaN(x)) missing[j]++;
        else bySnp[x === 0 ? "hom0" : x === 1 ? "het" : "hom2"][j]++;
        return n + (Number.isNaN(x) ? 1 : 0);
      }, 0),
    );
    return { ...bySnp, missing, sampleMissing };
  }

  // 1,100 animals: a few rows are counted directly, 600 through the byte histograms.
  const { m } = randomGenotypes({ nSamples: 1100, nSnps: 203, seed: 7, missingRate: 0.05 });
  const dense = denseCounts(m);
  const many = Array.from({ length: 600 }, (_, k) => (k * 37) % 1100);
  it.each([
    ["a few rows, one repeated", [5, 3, 3, 1099]],
    ["600 rows", many],
  ])("%s: counts equal a call-by-call recount", (_label, rows) => {
    const s = summarizeGenotypes(m, rows);
    const want = recount(dense, rows, m.nSnps);
    expect(s.snps.nSamples).toBe(rows.length);
    expect(Array.from(s.snps.hom0)).toEqual(want.hom0);
    expect(Array.from(s.snps.het)).toEqual(want.het);
    expect(Array.from(s.snps.hom2)).toEqual(want.hom2);
    expect(Array.from(s.snps.missing)).toEqual(want.missing);
    expect(Array.from(s.samples.missing)).toEqual(want.sampleMissing);
  });
});

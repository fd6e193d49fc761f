import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { genomicInbreeding, pooledFrequencies, vanRadenCrossG, vanRadenG } from "../src/relationship/grm";
import { alleleFrequencies } from "../src/stats/frequencies";
import { PLINK2, removeTempDirs, runPlink, tempDir, writeAfreq, writePlinkFileset } from "./support/plink";
import { denseCounts, randomGenotypes } from "./support/random";

afterAll(removeTempDirs);

/** Dense reference: Z with missing -> 0, G = ZZ' / (2 sum pq) over SNPs with 0 < p < 1 and in the mask. */
function denseG(rowsA: Float64Array[], rowsB: Float64Array[], p: Float64Array, mask?: Uint8Array): number[][] {
  const use = Array.from(p, (q, j) => q > 0 && q < 1 && (!mask || mask[j] === 1));
  let den = 0;
  p.forEach((q, j) => {
    if (use[j]) den += 2 * q * (1 - q);
  });
  const z = (x: number, j: number) => (Number.isNaN(x) || !use[j] ? 0 : x - 2 * p[j]!);
  return rowsA.map((a) =>
    rowsB.map((b) => {
      let s = 0;
      for (let j = 0; j < p.length; j++) s += z(a[j]!, j) * z(b[j]!, j);
      return s / den;
    }),
  );
}

describe("VanRaden G", () => {
  it("equals plink2 --make-rel cov meanimpute (binary doubles) rescaled by M / 2sum(pq), within 1e-6", () => {
    const n = 203; // not a multiple of 4: edge tiles
    const nSnps = 1501;
    const { m } = randomGenotypes({ nSamples: n, nSnps, seed: 8, missingRate: 0.02 });
    const p = alleleFrequencies(m);
    const dir = tempDir("grm");
    const prefix = `${dir}/d`;
    writePlinkFileset(prefix, m);
    writeAfreq(`${prefix}.afreq`, p);
    runPlink(PLINK2, [
      "--bfile",
      prefix,
      "--read-freq",
      `${prefix}.afreq`,
      "--make-rel",
      "cov",
      "meanimpute",
      "square",
      "bin",
      "--out",
      prefix,
    ]);
    const buf = readFileSync(`${prefix}.rel.bin`);
    const rel = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    expect(rel.length).toBe(n * n);
    const G = vanRadenG(m, { p });
    // plink2 'cov' divides Z Z' by the number of variants; VanRaden by 2 sum p(1-p).
    const scale = nSnps / G.denominator;
    let maxDiff = 0;
    for (let k = 0; k < n * n; k++) maxDiff = Math.max(maxDiff, Math.abs(G.g[k]! - rel[k]! * scale));
    expect(maxDiff).toBeLessThan(1e-6);
    // And the diagonal is near 1 + F for random mating.
    const f = genomicInbreeding(G);
    expect(Math.abs(f.reduce((s, x) => s + x, 0) / n)).toBeLessThan(0.05);
  });

  it("equals a dense computation with missing genotypes, a SNP mask and supplied frequencies; symmetric", () => {
    const { m } = randomGenotypes({
      nSamples: 37,
      nSnps: 301,
      seed: 4,
      missingRate: 0.1,
      monomorphic: new Set([0, 5]),
    });
    const p = alleleFrequencies(m).map((q, j) => (j % 7 === 0 ? 0.5 : q)) as Float64Array; // some supplied
    const mask = Uint8Array.from({ length: 301 }, (_, j) => (j % 11 === 3 ? 0 : 1));
    const G = vanRadenG(m, { p, snpMask: mask });
    const dense = denseCounts(m);
    const ref = denseG(dense, dense, p, mask);
    for (let i = 0; i < 37; i++)
      for (let k = 0; k < 37; k++) {
        expect(Math.abs(G.g[i * 37 + k]! - ref[i]![k]!)).toBeLessThan(1e-10);
        expect(G.g[i * 37 + k]).toBe(G.g[k * 37 + i]);
      }
  });

  it("cross G (cows x sires) equals the matching block of G of the union", () => {
    const { m } = randomGenotypes({ nSamples: 30, nSnps: 257, seed: 6, missingRate: 0.05 });
    const stride = Math.ceil(257 / 4);
    const cows = { nSamples: 23, nSnps: 257, data: m.data.slice(0, 23 * stride) };
    const sires = { nSamples: 7, nSnps: 257, data: m.data.slice(23 * stride) };
    const p = pooledFrequencies(cows, sires);
    expect(Array.from(p)).toEqual(Array.from(alleleFrequencies(m)));
    const all = vanRadenG(m, { p });
    const cross = vanRadenCrossG(cows, sires);
    expect(cross.nRows).toBe(23);
    expect(cross.nCols).toBe(7);
    for (let i = 0; i < 23; i++)
      for (let k = 0; k < 7; k++) expect(Math.abs(cross.g[i * 7 + k]! - all.g[i * 30 + 23 + k]!)).toBeLessThan(1e-12);
  });
});

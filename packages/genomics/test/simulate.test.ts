import { describe, expect, it } from "vitest";
import { bytesPerSample, countAt, MISSING, Rng, simulatePopulation, type SimulatedPopulation } from "../src/index";

const pop = simulatePopulation({
  seed: 42,
  nAnimals: 1200,
  nSnps: 3000,
  nGenerations: 4,
  missingRate: 0.01,
  wrongParentRate: 0.05,
});
const stride = bytesPerSample(pop.genotypes.nSnps);
const index = new Map(pop.animals.map((a, i) => [a.id, i]));
const row = (p: SimulatedPopulation, i: number) => p.genotypes.data.subarray(i * stride, (i + 1) * stride);

/** SNPs where child and parent are opposite homozygotes (impossible for a true parent). */
function oppositeHomozygotes(child: number, parent: number): number {
  let n = 0;
  const c = row(pop, child);
  const p = row(pop, parent);
  for (let j = 0; j < pop.genotypes.nSnps; j++) {
    const x = countAt(c, j);
    const y = countAt(p, j);
    if (x !== MISSING && y !== MISSING && Math.abs(x - y) === 2) n++;
  }
  return n;
}

function variance(x: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m += x[i]!;
  m /= to - from;
  let v = 0;
  for (let i = from; i < to; i++) v += (x[i]! - m) ** 2;
  return v / (to - from - 1);
}

describe("population simulator", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = simulatePopulation({ seed: 9, nAnimals: 100, nSnps: 500 });
    const b = simulatePopulation({ seed: 9, nAnimals: 100, nSnps: 500 });
    const c = simulatePopulation({ seed: 10, nAnimals: 100, nSnps: 500 });
    expect(Buffer.from(a.genotypes.data).equals(Buffer.from(b.genotypes.data))).toBe(true);
    expect(a.tbv[0]).toEqual(b.tbv[0]);
    expect(a.wrongParents).toEqual(b.wrongParents);
    expect(Buffer.from(a.genotypes.data).equals(Buffer.from(c.genotypes.data))).toBe(false);
    const r = new Rng(1);
    expect([r.u32(), r.u32()]).toEqual([
      new Rng(1).u32(),
      (() => {
        const q = new Rng(1);
        q.u32();
        return q.u32();
      })(),
    ]);
  });

  it("follows Mendel for true parents; planted wrong parents break it and are recorded", () => {
    expect(pop.wrongParents.length).toBeGreaterThan(20);
    const wrong = new Set(pop.wrongParents.map((w) => `${w.animal}:${w.parent}`));
    let checked = 0;
    for (const [i, a] of pop.animals.entries()) {
      if (a.generation === 0) {
        expect(a.sire).toBeNull();
        continue;
      }
      expect(oppositeHomozygotes(i, index.get(a.trueSire!)!)).toBe(0);
      expect(oppositeHomozygotes(i, index.get(a.trueDam!)!)).toBe(0);
      expect(a.sire !== a.trueSire).toBe(wrong.has(`${a.id}:sire`));
      expect(a.dam !== a.trueDam).toBe(wrong.has(`${a.id}:dam`));
      checked++;
    }
    expect(checked).toBe(900);
    for (const w of pop.wrongParents)
      expect(oppositeHomozygotes(index.get(w.animal)!, index.get(w.recorded)!)).toBeGreaterThan(10);
    // Recorded pedigree in the PLINK sample records.
    const s = pop.samples[index.get(pop.wrongParents[0]!.animal)!]!;
    expect(pop.wrongParents[0]!.parent === "sire" ? s.father : s.mother).toBe(pop.wrongParents[0]!.recorded);
  });

  it("has missing calls near the chosen rate and allele frequencies in range", () => {
    let missing = 0;
    for (let i = 0; i < pop.genotypes.nSamples; i++)
      for (let j = 0; j < pop.genotypes.nSnps; j++) if (countAt(row(pop, i), j) === MISSING) missing++;
    const rate = missing / (pop.genotypes.nSamples * pop.genotypes.nSnps);
    expect(rate).toBeGreaterThan(0.008);
    expect(rate).toBeLessThan(0.012);
    for (const p of pop.founderFrequencies) expect(Math.min(p, 1 - p)).toBeGreaterThanOrEqual(0.05);
  });

  it("creates linkage disequilibrium that decays with distance (recombination works)", () => {
    const r2 = (j: number, k: number): number => {
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < 300; i++) {
        const x = countAt(row(pop, i), j);
        const y = countAt(row(pop, i), k);
        if (x !== MISSING && y !== MISSING) {
          xs.push(x);
          ys.push(y);
        }
      }
      const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
      const my = ys.reduce((s, v) => s + v, 0) / ys.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < xs.length; i++) {
        sxy += (xs[i]! - mx) * (ys[i]! - my);
        sxx += (xs[i]! - mx) ** 2;
        syy += (ys[i]! - my) ** 2;
      }
      return sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
    };
    const { chromStart } = pop.genome;
    let near = 0;
    let far = 0;
    let n = 0;
    for (let c = 0; c < 29; c++) {
      for (let j = chromStart[c]!; j + 1 < chromStart[c + 1]!; j += 5) {
        near += r2(j, j + 1);
        const other = chromStart[(c + 7) % 29]! + ((j - chromStart[c]!) % 20);
        far += r2(j, other);
        n++;
      }
    }
    // Adjacent SNPs here are ~1 cM apart; unlinked pairs only show sampling noise (~1/300).
    expect(near / n).toBeGreaterThan(0.03);
    expect(near / n).toBeGreaterThan(5 * (far / n));
  });

  it("gives breeding values with the chosen heritability and phenotypes around the trait mean", () => {
    const base = pop.animals.filter((a) => a.generation === 0).length;
    for (const [t, trait] of pop.traits.entries()) {
      const varA = variance(pop.tbv[t]!, 0, base);
      expect(varA / trait.sdP ** 2).toBeCloseTo(trait.h2, 6);
      const varP = variance(pop.phenotypes[t]!, 0, base);
      expect(varP / trait.sdP ** 2).toBeGreaterThan(0.8);
      expect(varP / trait.sdP ** 2).toBeLessThan(1.2);
      let mean = 0;
      for (let i = 0; i < base; i++) mean += pop.phenotypes[t]![i]!;
      expect(Math.abs(mean / base - trait.mean)).toBeLessThan(0.15 * trait.sdP);
      expect(pop.qtl[t]!.snpIndex.length).toBe(trait.nQtl);
    }
    expect(pop.traits.map((t) => t.name)).toEqual(["milk_production", "fertility", "disease_resistance", "longevity"]);
    // TBVs are additive in the QTL genotypes.
    const q = pop.qtl[0]!;
    const g = (i: number) => q.snpIndex.reduce((s, j, k) => s + q.effect[k]! * countAt(row(pop, i), j), 0);
    // Compare differences between two animals without missing QTL calls.
    const clean = pop.animals
      .map((_, i) => i)
      .filter((i) => q.snpIndex.every((j) => countAt(row(pop, i), j) !== MISSING));
    const [i1, i2] = [clean[0]!, clean[clean.length - 1]!];
    expect(g(i1) - g(i2)).toBeCloseTo(pop.tbv[0]![i1]! - pop.tbv[0]![i2]!, 6);
  });

  // Scale only: how fast it runs is the benchmarks' business (bench/), not a timed test's.
  it("makes 10,000 animals x 60,000 SNPs", () => {
    const big = simulatePopulation({ seed: 3, nAnimals: 10_000, nSnps: 60_000, nGenerations: 5 });
    expect(big.genotypes.nSamples).toBe(10_000);
    expect(big.genotypes.data.length).toBe(10_000 * 15_000);
  }, 180_000);
});

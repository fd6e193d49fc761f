import { describe, expect, it } from "vitest";
import {
  assignFolds,
  chooseHeritability,
  correlationAndSlope,
  crossValidateSnpBlup,
} from "../src/blup/cross-validation";
import { trainSnpBlup } from "../src/blup/snpblup";
import { approximateReliability, daetwylerReliability, effectiveLoci } from "../src/score/reliability";
import { simulatePopulation } from "../src/simulate/population";
import { alleleFrequencies } from "../src/stats/frequencies";
import { denseCounts } from "./support/random";

describe("cross-validation on a simulated population with TBVs", () => {
  const pop = simulatePopulation({ seed: 7, nAnimals: 1500, nSnps: 3000, nGenerations: 4 });
  const trait = 0; // milk production, h2 = 0.3
  const y = pop.phenotypes[trait]!;
  const tbv = pop.tbv[trait]!;

  it("5-fold accuracy against TBVs is clearly positive for h2 = 0.3, folds partition the animals", () => {
    expect(pop.traits[trait]!.h2).toBe(0.3);
    const cv = crossValidateSnpBlup(pop.genotypes, y, { h2: 0.3, folds: 5, seed: 3, truth: tbv });
    expect(cv.folds.length).toBe(5);
    expect(cv.folds.reduce((s, f) => s + f.nValidation, 0)).toBe(1500);
    for (const f of cv.folds) {
      expect(f.converged).toBe(true);
      expect(f.nTraining + f.nValidation).toBe(1500);
    }
    expect(cv.predicted.every((v) => Number.isFinite(v))).toBe(true);
    expect(cv.correlation).toBeGreaterThan(0.3);
    expect(cv.meanFoldCorrelation).toBeGreaterThan(0.3);
    expect(cv.slope).toBeGreaterThan(0.5);
    expect(cv.slope).toBeLessThan(1.5);
  });

  it("chooses h2 by cross-validated correlation among candidates", () => {
    const sel = chooseHeritability(pop.genotypes, y, [0.02, 0.3, 0.9], { folds: 3, seed: 5 });
    const best = sel.results.reduce((a, b) => (b.correlation > a.correlation ? b : a));
    expect(sel.h2).toBe(best.h2);
    expect(sel.results.map((r) => r.h2)).toEqual([0.02, 0.3, 0.9]);
    // the candidates really differ
    expect(new Set(sel.results.map((r) => r.correlation.toFixed(6))).size).toBe(3);
  });

  it("approximate reliabilities: in (0, 1), Daetwyler value for an average animal, exact per-animal formula", () => {
    const p = alleleFrequencies(pop.genotypes);
    const train = Int32Array.from({ length: 1200 }, (_, i) => i);
    const model = trainSnpBlup(pop.genotypes, y, { h2: 0.3, p, rows: train });
    const mEff = 500;
    const r2 = approximateReliability(pop.genotypes, model, { mEff });
    expect(r2.length).toBe(1500);
    let mean = 0;
    for (const v of r2) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
      mean += v / r2.length;
    }
    const expected = (1200 * 0.3) / (1200 * 0.3 + 0.7 * mEff);
    expect(Math.abs(mean - expected)).toBeLessThan(0.1);
    // Formula check for a few animals against a dense computation.
    const dense = denseCounts(pop.genotypes);
    let nUsed = 0;
    for (const b of model.snpMask) nUsed += b;
    const lambdaE = (model.lambda * mEff) / nUsed;
    for (const i of [0, 700, 1499]) {
      let tot = 0;
      let un = 0;
      dense[i]!.forEach((x, j) => {
        if (!model.snpMask[j] || Number.isNaN(x)) return;
        const z2 = (x - 2 * p[j]!) ** 2;
        tot += z2;
        un += (z2 * lambdaE) / (model.snpInformation[j]! + lambdaE);
      });
      expect(r2[i]).toBeCloseTo(1 - un / tot, 10);
    }
    expect(daetwylerReliability(1200, 0.3, 500)).toBeCloseTo(360 / 860, 12);
    expect(effectiveLoci(100, 30)).toBeCloseTo(6000 / Math.log(3000), 10);
  });
});

describe("helpers", () => {
  it("folds are balanced and deterministic", () => {
    const f = assignFolds(103, 5, 9);
    const sizes = [0, 0, 0, 0, 0];
    for (const v of f) sizes[v]!++;
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Array.from(assignFolds(103, 5, 9))).toEqual(Array.from(f));
  });
  it("correlation and slope", () => {
    const r = correlationAndSlope([1, 2, 3, 4], [2, 4, 6, 8.5]);
    expect(r.slope).toBeCloseTo(2.15, 10);
    expect(r.correlation).toBeGreaterThan(0.99);
  });
});

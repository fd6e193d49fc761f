import { describe, expect, it } from "vitest";
import { trainSnpBlup } from "../src/blup/snpblup";
import { scoreGenotypes } from "../src/score/score";
import { alleleFrequencies } from "../src/stats/frequencies";
import { denseCounts, normal, randomGenotypes, rng } from "./support/random";

/** In-place Cholesky solve of a dense SPD system (row-major, size d). */
function choleskySolve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    let s = A[rowJ + j]!;
    for (let k = 0; k < j; k++) s -= A[rowJ + k]! * A[rowJ + k]!;
    if (!(s > 0)) throw new Error("matrix not positive definite");
    const ljj = Math.sqrt(s);
    A[rowJ + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const rowI = i * d;
      let t = A[rowI + j]!;
      for (let k = 0; k < j; k++) t -= A[rowI + k]! * A[rowJ + k]!;
      A[rowI + j] = t / ljj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let t = x[i]!;
    for (let k = 0; k < i; k++) t -= A[i * d + k]! * x[k]!;
    x[i] = t / A[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let t = x[i]!;
    for (let k = i + 1; k < d; k++) t -= A[k * d + i]! * x[k]!;
    x[i] = t / A[i * d + i]!;
  }
  return x;
}

describe("SNP-BLUP on packed genotypes", () => {
  it("effects, intercept and GEBVs equal an exact dense solve of the mixed-model equations within 1e-6", () => {
    const nAll = 320;
    const nSnps = 1200;
    const { m } = randomGenotypes({ nSamples: nAll, nSnps, seed: 77, missingRate: 0.02, monomorphic: new Set([10]) });
    const p = alleleFrequencies(m);
    const rand = rng(5);
    const beta = Float64Array.from({ length: nSnps }, () => normal(rand) * 0.05);
    const dense = denseCounts(m);
    const y = new Float64Array(nAll);
    dense.forEach((row, i) => {
      let g = 0;
      row.forEach((x, j) => {
        if (!Number.isNaN(x)) g += (x - 2 * p[j]!) * beta[j]!;
      });
      y[i] = 100 + g + normal(rand) * 1.2;
    });
    y[7] = Number.NaN; // no phenotype: left out of training
    const h2 = 0.4;
    const res = trainSnpBlup(m, y, { h2, p, tolerance: 1e-12, maxIterations: 2000 });
    expect(res.converged).toBe(true);
    expect(res.nTraining).toBe(nAll - 1);
    expect(res.relativeResidual).toBeLessThan(1e-11);
    expect(res.snpMask[10]).toBe(0);

    // Dense mixed-model equations over the SNPs in the model.
    const rows = Array.from({ length: nAll }, (_, i) => i).filter((i) => i !== 7);
    const used = Array.from({ length: nSnps }, (_, j) => j).filter((j) => p[j]! > 0 && p[j]! < 1);
    let sum2pq = 0;
    for (const j of used) sum2pq += 2 * p[j]! * (1 - p[j]!);
    expect(res.sumTwoPQ).toBeCloseTo(sum2pq, 9);
    const lambda = ((1 - h2) / h2) * sum2pq;
    expect(res.lambda).toBeCloseTo(lambda, 6);
    const d = used.length + 1;
    const X = rows.map((i) =>
      Float64Array.from([1, ...used.map((j) => (Number.isNaN(dense[i]![j]!) ? 0 : dense[i]![j]! - 2 * p[j]!))]),
    );
    const A = new Float64Array(d * d);
    const b = new Float64Array(d);
    X.forEach((x, r) => {
      const yi = y[rows[r]!]!;
      for (let u = 0; u < d; u++) {
        const xu = x[u]!;
        if (xu === 0) continue;
        b[u]! += xu * yi;
        for (let v = 0; v <= u; v++) A[u * d + v]! += xu * x[v]!;
      }
    });
    for (let u = 1; u < d; u++) A[u * d + u]! += lambda;
    for (let u = 0; u < d; u++) for (let v = u + 1; v < d; v++) A[u * d + v] = A[v * d + u]!;
    const sol = choleskySolve(A, b, d);
    expect(Math.abs(res.intercept - sol[0]!)).toBeLessThan(1e-6);
    let maxEffect = 0;
    used.forEach((j, t) => {
      expect(Math.abs(res.effects[j]! - sol[t + 1]!)).toBeLessThan(1e-6);
      maxEffect = Math.max(maxEffect, Math.abs(sol[t + 1]!));
    });
    expect(maxEffect).toBeGreaterThan(1e-3); // effects are not trivially ~0
    // GEBVs: packed scoring of the trained model vs the dense solution.
    const gebv = scoreGenotypes(m, res.p, [res.effects], { intercepts: [res.intercept] });
    dense.forEach((row, i) => {
      let g = sol[0]!;
      used.forEach((j, t) => {
        if (!Number.isNaN(row[j]!)) g += (row[j]! - 2 * p[j]!) * sol[t + 1]!;
      });
      expect(Math.abs(gebv[i]! - g)).toBeLessThan(1e-6);
    });
  });
});

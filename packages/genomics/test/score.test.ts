import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { SCORE_SEGMENTS, scoreGenotypes, scoreSegments, sumSegments } from "../src/score/score";
import { alleleFrequencies } from "../src/stats/frequencies";
import {
  ALLELE_B,
  column,
  PLINK2,
  readTable,
  removeTempDirs,
  runPlink,
  snpId,
  tempDir,
  writeAfreq,
  writePlinkFileset,
} from "./support/plink";
import { denseCounts, normal, randomGenotypes, rng } from "./support/random";

afterAll(removeTempDirs);

describe("multi-trait scoring", () => {
  const nSamples = 300;
  const nSnps = 2003;
  const { m } = randomGenotypes({ nSamples, nSnps, seed: 21, missingRate: 0.03 });
  const p = alleleFrequencies(m);
  const rand = rng(99);
  const k = 5; // two groups of four traits, the second partly filled
  const effects = Array.from({ length: k }, () => Float64Array.from({ length: nSnps }, () => normal(rand) * 0.01));
  const intercepts = [10, -3, 0.5, 0, 7];
  const scores = scoreGenotypes(m, p, effects, { intercepts });

  it("equals the dense sum mu + sum_j (x_ij - 2p_j) a_j with missing centred to 0", () => {
    const dense = denseCounts(m);
    for (let i = 0; i < nSamples; i++) {
      for (let t = 0; t < k; t++) {
        let s = intercepts[t]!;
        for (let j = 0; j < nSnps; j++) {
          const x = dense[i]![j]!;
          if (!Number.isNaN(x)) s += (x - 2 * p[j]!) * effects[t]![j]!;
        }
        expect(Math.abs(scores[i * k + t]! - s)).toBeLessThan(1e-9);
      }
    }
  });

  it("equals plink2 --score center (read-freq, several columns, score sums) within 1e-6", () => {
    const dir = tempDir("score");
    const prefix = `${dir}/d`;
    writePlinkFileset(prefix, m);
    writeAfreq(`${prefix}.afreq`, p);
    const lines = [`ID\tALLELE\t${effects.map((_, t) => `T${t}`).join("\t")}`];
    for (let j = 0; j < nSnps; j++)
      lines.push(`${snpId(j)}\t${ALLELE_B}\t${effects.map((e) => e[j]!.toPrecision(17)).join("\t")}`);
    writeFileSync(`${prefix}.weights`, lines.join("\n") + "\n");
    runPlink(PLINK2, [
      "--bfile",
      prefix,
      "--read-freq",
      `${prefix}.afreq`,
      "--score",
      `${prefix}.weights`,
      "1",
      "2",
      "header-read",
      "center",
      "no-mean-imputation",
      "cols=+scoresums",
      "--score-col-nums",
      `3-${2 + k}`,
      "--out",
      prefix,
    ]);
    const t = readTable(`${prefix}.sscore`);
    for (let tr = 0; tr < k; tr++) {
      const sums = column(t, `T${tr}_SUM`).map(Number);
      expect(sums.length).toBe(nSamples);
      for (let i = 0; i < nSamples; i++)
        expect(Math.abs(scores[i * k + tr]! - intercepts[tr]! - sums[i]!)).toBeLessThan(1e-6);
    }
  });

  it("scores a subset of rows", () => {
    const rows = [5, 0, 299];
    const sub = scoreGenotypes(m, p, effects, { intercepts, rows });
    rows.forEach((i, r) => {
      for (let t = 0; t < k; t++) expect(sub[r * k + t]).toBe(scores[i * k + t]);
    });
  });

  it("is its segments scored in any split, added in order, intercept last", () => {
    const parts = new Float64Array(SCORE_SEGMENTS * nSamples * k);
    for (const [from, to] of [
      [0, 3],
      [3, 4],
      [4, SCORE_SEGMENTS],
    ] as const)
      scoreSegments(m, p, effects, from, to, parts.subarray(from * nSamples * k));
    expect(Array.from(sumSegments(parts, nSamples, k, intercepts))).toEqual(Array.from(scores));
  });

  it("refuses segments out of range and an output too short for them", () => {
    const out = new Float64Array(2 * nSamples * k);
    expect(() => scoreSegments(m, p, effects, 7, SCORE_SEGMENTS + 1, out)).toThrow(/segments 7…9 of 8/);
    expect(() => scoreSegments(m, p, effects, 2, 1, out)).toThrow(/segments/);
    expect(() => scoreSegments(m, p, effects, 0, 3, out)).toThrow(/output shorter/);
    expect(() => scoreGenotypes(m, p, effects, { intercepts: [1] })).toThrow(/1 intercepts for 5 traits/);
  });
});

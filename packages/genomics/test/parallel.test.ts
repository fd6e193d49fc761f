import { describe, expect, it } from "vitest";
import { scoreGenotypesAsync, summarizeGenotypesAsync, vanRadenGAsync } from "../src/parallel/kernels";
import { KernelPool } from "../src/parallel/pool";
import { balancedTileRanges, vanRadenG } from "../src/relationship/grm";
import { scoreGenotypes } from "../src/score/score";
import { alleleFrequencies, summarizeGenotypes } from "../src/stats/frequencies";
import { bytesPerSample } from "../src/pack";
import { randomGenotypes } from "./support/random";

describe("worker-thread kernels", () => {
  it("balanced tile ranges cover every tile row once", () => {
    for (const [n, k] of [
      [1, 2],
      [7, 2],
      [500, 2],
      [500, 3],
      [3, 5],
    ] as const) {
      const r = balancedTileRanges(n, k);
      expect(r[0]![0]).toBe(0);
      expect(r[r.length - 1]![1]).toBe(n);
      for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBe(r[i - 1]![1]);
    }
  });

  it("G, scores and genotype counts on a 2-worker pool (worker entry loaded through tsx) equal the in-thread results", async () => {
    const { m } = randomGenotypes({ nSamples: 157, nSnps: 2001, seed: 12, missingRate: 0.02 });
    const pool = new KernelPool(2);
    try {
      const [gw, sw, sum] = await Promise.all([
        vanRadenGAsync(m, { pool }),
        scoreGenotypesAsync(
          m,
          alleleFrequencies(m),
          [new Float64Array(2001).fill(0.1), new Float64Array(2001).fill(-0.2)],
          { pool, intercepts: [1, 2] },
        ),
        summarizeGenotypesAsync(m, { pool }),
      ]);
      const ref = summarizeGenotypes(m);
      for (const f of ["hom0", "het", "hom2", "missing"] as const)
        expect(Array.from(sum.snps[f])).toEqual(Array.from(ref.snps[f]));
      expect(Array.from(sum.samples.missing)).toEqual(Array.from(ref.samples.missing));
      expect(Array.from(sum.samples.het)).toEqual(Array.from(ref.samples.het));
      const g = vanRadenG(m);
      expect(Array.from(gw.g)).toEqual(Array.from(g.g));
      const s = scoreGenotypes(
        m,
        alleleFrequencies(m),
        [new Float64Array(2001).fill(0.1), new Float64Array(2001).fill(-0.2)],
        { intercepts: [1, 2] },
      );
      expect(Array.from(sw)).toEqual(Array.from(s));
    } finally {
      await pool.close();
    }
  });

  it("reads only the matrix's rows from a longer shared buffer (a reused page room that still holds older rows)", async () => {
    const { m } = randomGenotypes({ nSamples: 41, nSnps: 503, seed: 5, missingRate: 0.02 });
    const used = m.data.subarray(0, 41 * bytesPerSample(503));
    const room = new Uint8Array(new SharedArrayBuffer(used.length * 3)).fill(0b10101010);
    room.set(used);
    const inRoom = { ...m, data: room.subarray(0, used.length) };
    const p = alleleFrequencies(m);
    const effects = [Float64Array.from({ length: 503 }, (_, j) => Math.cos(j))];
    const pool = new KernelPool(2);
    try {
      const [s, sum, g] = await Promise.all([
        scoreGenotypesAsync(inRoom, p, effects, { pool }),
        summarizeGenotypesAsync(inRoom, { pool }),
        vanRadenGAsync(inRoom, { pool, p }),
      ]);
      expect(Array.from(s)).toEqual(Array.from(scoreGenotypes(m, p, effects)));
      expect(Array.from(sum.samples.het)).toEqual(Array.from(summarizeGenotypes(m).samples.het));
      expect(Array.from(g.g)).toEqual(Array.from(vanRadenG(m, { p }).g));
    } finally {
      await pool.close();
    }
  });

  it("scores on 1, 2, 3 or 9 workers are the very bits of the in-thread scores (segments summed in one order)", async () => {
    // Effects of every size and sign, so any other order of the additions would round differently.
    const { m } = randomGenotypes({ nSamples: 61, nSnps: 6007, seed: 9, missingRate: 0.03 });
    const p = alleleFrequencies(m);
    const effects = [0, 1, 2, 3, 4].map((t) =>
      Float64Array.from({ length: 6007 }, (_, j) => Math.sin(j * (t + 0.7)) * 10 ** ((j % 7) - 3)),
    );
    const intercepts = [0.1, -3, 1e3, 0, 7.25];
    const inThread = scoreGenotypes(m, p, effects, { intercepts });
    for (const size of [1, 2, 3, 9]) {
      const pool = new KernelPool(size);
      try {
        expect(Array.from(await scoreGenotypesAsync(m, p, effects, { pool, intercepts }))).toEqual(
          Array.from(inThread),
        );
      } finally {
        await pool.close();
      }
    }
  });

  it("refuses intercepts that do not match the traits before any worker runs", async () => {
    const { m } = randomGenotypes({ nSamples: 3, nSnps: 40, seed: 1, missingRate: 0 });
    await expect(
      scoreGenotypesAsync(m, alleleFrequencies(m), [new Float64Array(40)], { intercepts: [1, 2] }),
    ).rejects.toThrow(/2 intercepts for 1 traits/);
  });
});

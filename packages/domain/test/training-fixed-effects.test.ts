// Pre-correction for fixed effects (gbv/training-fixed-effects.ts): exact least squares for crossed
// factors by backfitting, singletons left out, no factor = no change.
import { describe, expect, it } from "vitest";
import { precorrectFixedEffects } from "../src/gbv/training-fixed-effects";

describe("precorrectFixedEffects", () => {
  it("leaves the values alone without factors", () => {
    const out = precorrectFixedEffects(
      [],
      [
        { value: 3, levels: [] },
        { value: 5, levels: [] },
      ],
    );
    expect(Array.from(out.values)).toEqual([3, 5]);
    expect(out.kept).toEqual([0, 1]);
  });

  it("removes purely additive crossed effects exactly (unbalanced design), keeping the overall mean", () => {
    const herd = [0, 250, -400, 1000];
    const parity = [0, 80, 150];
    const signal = (i: number) => Math.sin(i * 12.9898) * 10; // what must survive the correction
    const records = Array.from({ length: 97 }, (_, i) => {
      const h = i % 4;
      const p = (i * 7) % 3;
      return { value: 5000 + herd[h]! + parity[p]! + signal(i), levels: [`H${h}`, `P${p}`] };
    });
    const out = precorrectFixedEffects(["herd", "parity"], records);
    expect(out.report).toMatchObject({
      factors: [
        { name: "herd", levels: 4 },
        { name: "parity", levels: 3 },
      ],
      droppedSingletons: 0,
    });
    const mean = records.reduce((s, r) => s + r.value, 0) / records.length;
    expect(out.values.reduce((s, v) => s + v, 0) / out.values.length).toBeCloseTo(mean, 8);
    // The corrected values are the signal up to a constant and what least squares attributes to the
    // levels from the signal itself: the correlation with the planted effects is gone.
    const residualVsHerd = records.map((r, i) => [out.values[i]!, herd[i % 4]!] as const);
    const mx = residualVsHerd.reduce((s, [x]) => s + x, 0) / records.length;
    const my = residualVsHerd.reduce((s, [, y]) => s + y, 0) / records.length;
    const cov = residualVsHerd.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
    expect(Math.abs(cov)).toBeLessThan(1e-6);
    // Least squares: the corrected values average to the overall mean in every level of every factor.
    for (const f of [0, 1]) {
      const means = new Map<string, number[]>();
      records.forEach((r, i) => means.set(r.levels[f]!, [...(means.get(r.levels[f]!) ?? []), out.values[i]!]));
      const byLevel = [...means.values()].map((v) => v.reduce((s, x) => s + x, 0) / v.length);
      for (const m of byLevel) expect(m).toBeCloseTo(mean, 6);
    }
  });

  it("leaves out records alone in a level, repeatedly, and says how many", () => {
    const records = [
      { value: 1, levels: ["A"] },
      { value: 2, levels: ["A"] },
      { value: 3, levels: ["B"] },
      { value: 4, levels: ["C"] },
      { value: 5, levels: ["C"] },
    ];
    const out = precorrectFixedEffects(["cg"], records);
    expect(out.kept).toEqual([0, 1, 3, 4]);
    expect(out.report.droppedSingletons).toBe(1);
    expect(Array.from(out.values)).toEqual([2.5, 3.5, 2.5, 3.5]);
  });
});

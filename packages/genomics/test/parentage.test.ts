import { describe, expect, it } from "vitest";
import { bytesPerSample, MISSING, packCounts, type PackedMatrix } from "../src/pack";
import { discoverParents, type ParentCandidate } from "../src/parentage/discover";
import { countOpposingHomozygotes, maskedRow } from "../src/parentage/opposing-homozygotes";
import { classifyParentage, verifyParents } from "../src/parentage/verify";
import { simulatePopulation } from "../src/simulate/population";
import { alleleFrequencies } from "../src/stats/frequencies";
import { denseCounts, randomGenotypes } from "./support/random";

describe("opposing-homozygote kernel", () => {
  it("matches a naive count, with a SNP mask and padding SNPs in the last byte", () => {
    const nSnps = 1003;
    const { m } = randomGenotypes({ nSamples: 12, nSnps, seed: 2, missingRate: 0.05 });
    const dense = denseCounts(m);
    const mask = Uint8Array.from({ length: nSnps }, (_, j) => (j % 5 === 1 ? 0 : 1));
    const stride = bytesPerSample(nSnps);
    for (let a = 0; a < 12; a++) {
      const q = maskedRow(m.data.subarray(a * stride, (a + 1) * stride), nSnps, mask);
      for (let b = 0; b < 12; b++) {
        let conflicts = 0;
        let common = 0;
        for (let j = 0; j < nSnps; j++) {
          const x = dense[a]![j]!;
          const y = dense[b]![j]!;
          if (!mask[j] || Number.isNaN(x) || Number.isNaN(y)) continue;
          common++;
          if (Math.abs(x - y) === 2) conflicts++;
        }
        expect(countOpposingHomozygotes(q, m.data, b * stride)).toEqual({ conflicts, common });
      }
    }
  });

  it("classifies by the ICAR rules", () => {
    expect(classifyParentage(2, 190, "panel").status).toBe("verified");
    expect(classifyParentage(3, 190, "panel").status).toBe("doubtful");
    expect(classifyParentage(5, 190, "panel").status).toBe("doubtful");
    expect(classifyParentage(6, 190, "panel").status).toBe("excluded");
    expect(classifyParentage(0, 50, "panel").status).toBe("insufficient");
    expect(classifyParentage(5, 1000, "chip").status).toBe("verified");
    expect(classifyParentage(6, 1000, "chip").status).toBe("doubtful");
    expect(classifyParentage(20, 1000, "chip").status).toBe("doubtful");
    expect(classifyParentage(21, 1000, "chip").status).toBe("excluded");
    expect(classifyParentage(0, 399, "chip").status).toBe("insufficient");
    expect(classifyParentage(3, 190, "panel", { panelAcceptMax: 3 }).status).toBe("verified");
  });
});

describe("parentage on a simulated pedigree with planted wrong parents", () => {
  const pop = simulatePopulation({
    seed: 42,
    nAnimals: 800,
    nSnps: 3000,
    nGenerations: 4,
    wrongParentRate: 0.06,
    missingRate: 0.005,
  });
  const m = pop.genotypes;
  const row = new Map(pop.animals.map((a, i) => [a.id, i]));
  const birth = pop.animals.map(
    (a, i) => new Date(Date.UTC(2015, 0, 1) + (a.generation * 900 + (i % 90)) * 86_400_000),
  );
  const pairs: { offspring: number; parent: number; wrong: boolean }[] = [];
  const wrong = new Set(pop.wrongParents.map((w) => `${w.animal}/${w.parent}`));
  pop.animals.forEach((a, i) => {
    for (const kind of ["sire", "dam"] as const) {
      const id = a[kind];
      if (id === null) continue;
      pairs.push({ offspring: i, parent: row.get(id)!, wrong: wrong.has(`${a.id}/${kind}`) });
    }
  });

  it("chip mode: every planted error excluded, every true parent verified", () => {
    expect(pop.wrongParents.length).toBeGreaterThan(10);
    const checks = verifyParents(m, pairs, { mode: "chip" });
    let found = 0;
    checks.forEach((c, k) => {
      if (pairs[k]!.wrong) {
        expect(c.status).toBe("excluded");
        found++;
      } else expect(c.status).toBe("verified");
    });
    expect(found).toBe(pop.wrongParents.length);
  });

  it("panel mode on 200 informative SNPs: no planted error accepted, no true parent excluded", () => {
    const p = alleleFrequencies(m);
    const order = Array.from(p, (q, j) => [Math.min(q, 1 - q), j] as const).sort((x, y) => y[0] - x[0]);
    const mask = new Uint8Array(m.nSnps);
    for (let k = 0; k < 200; k++) mask[order[k]![1]] = 1;
    const checks = verifyParents(m, pairs, { mode: "panel", snpMask: mask });
    checks.forEach((c, k) => {
      expect(c.common).toBeLessThanOrEqual(200);
      if (pairs[k]!.wrong) expect(c.status === "excluded" || c.status === "doubtful").toBe(true);
      else expect(c.status).toBe("verified");
    });
    expect(checks.filter((c, k) => pairs[k]!.wrong && c.status === "excluded").length).toBeGreaterThan(
      pop.wrongParents.length * 0.8,
    );
  });

  it("discovery finds the true parent of every animal with a wrong recorded parent", () => {
    const candidates: ParentCandidate[] = pop.animals.map((a, i) => ({
      row: i,
      sex: a.sex === 1 ? "male" : "female",
      birthDate: birth[i]!,
    }));
    for (const w of pop.wrongParents) {
      const child = row.get(w.animal)!;
      const res = discoverParents(m, child, birth[child]!, m, candidates, { mode: "chip", parent: w.parent });
      expect(res.compared).toBeGreaterThan(0);
      expect(res.ranked[0]!.row).toBe(row.get(w.truth));
      expect(res.matches.map((r) => r.row)).toContain(row.get(w.truth));
      expect(res.matches.map((r) => r.row)).not.toContain(row.get(w.recorded));
      // Too young, wrong sex: never compared.
      for (const r of res.ranked) {
        expect(pop.animals[r.row]!.sex).toBe(w.parent === "sire" ? 1 : 2);
        expect(birth[child]!.getTime() - birth[r.row]!.getTime()).toBeGreaterThanOrEqual(540 * 86_400_000);
      }
    }
  });

  it("discovery rejects an offspring row outside the matrix (it used to compare an empty row and find nothing)", () => {
    const candidates: ParentCandidate[] = [{ row: 0, sex: "male", birthDate: new Date(0) }];
    for (const bad of [m.nSamples, -1, 1.5])
      expect(() => discoverParents(m, bad, new Date(), m, candidates, { mode: "chip", parent: "sire" })).toThrow(
        RangeError,
      );
  });
});

describe("discovery ranking", () => {
  // Offspring homozygous 0 everywhere; each candidate is heterozygous except for `conflicts` SNPs where it is
  // homozygous 2 (an opposing homozygote), and is called only at its first `called` SNPs.
  const nSnps = 2000;
  const rows: { conflicts: number; called: number }[] = [
    { conflicts: 0, called: nSnps }, // 0: the offspring (counts set below)
    { conflicts: 30, called: nSnps }, // 1: doubtful (1.5 %)
    { conflicts: 0, called: 100 }, // 2: insufficient (100 common SNPs < 400), no conflict
    { conflicts: 2, called: nSnps }, // 3: verified (0.1 %): the true sire
    { conflicts: 0, called: 50 }, // 4: insufficient, no conflict
    { conflicts: 200, called: nSnps }, // 5: excluded (10 %)
    { conflicts: 0, called: 399 }, // 6: insufficient (one below the chip minimum), no conflict
    { conflicts: 1, called: 1000 }, // 7: verified (0.1 %) on fewer SNPs
  ];
  const stride = bytesPerSample(nSnps);
  const data = new Uint8Array(rows.length * stride);
  rows.forEach((r, i) => {
    const counts = Array.from({ length: nSnps }, (_, j) =>
      i === 0 ? 0 : j >= r.called ? MISSING : j < r.conflicts ? 2 : 1,
    );
    packCounts(counts, data.subarray(i * stride, (i + 1) * stride));
  });
  const m: PackedMatrix = { nSamples: rows.length, nSnps, data };
  const candidates: ParentCandidate[] = rows
    .slice(1)
    .map((_, k) => ({ row: k + 1, sex: "male", birthDate: new Date(Date.UTC(2010, 0, 1)) }));
  const born = new Date(Date.UTC(2020, 0, 1));

  it("ranks candidates with enough common SNPs by conflict rate, insufficient ones after them", () => {
    const res = discoverParents(m, 0, born, m, candidates, { mode: "chip", parent: "sire" });
    expect(res.compared).toBe(7);
    expect(res.ranked.map((r) => r.status)).toEqual([
      "verified",
      "verified",
      "doubtful",
      "excluded",
      "insufficient",
      "insufficient",
      "insufficient",
    ]);
    // Verified: equal rates, more common SNPs first.
    expect(res.ranked.slice(0, 2).map((r) => r.row)).toEqual([3, 7]);
    expect(res.ranked[0]!.rate).toBeCloseTo(0.001, 12);
    expect(res.matches.map((r) => r.row)).toEqual([3, 7]);
  });

  it("never pushes a verified parent out of `ranked` for insufficient candidates (report smaller than the list)", () => {
    for (const report of [0, 1, 2, 3]) {
      const res = discoverParents(m, 0, born, m, candidates, { mode: "chip", parent: "sire", report });
      expect(res.ranked.length).toBe(Math.max(report, 2));
      expect(res.ranked[0]!.row).toBe(3);
      expect(res.ranked.map((r) => r.row)).toEqual(expect.arrayContaining(res.matches.map((r) => r.row)));
      expect(res.ranked.some((r) => r.status === "insufficient")).toBe(false);
    }
  });

  it("panel mode (status by conflict count): a verified candidate ranks above a doubtful one with a lower rate", () => {
    // 2 conflicts on 100 SNPs (2 %) is verified; 3 on 2000 (0.15 %) is doubtful.
    const panel = [
      { conflicts: 0, called: nSnps },
      { conflicts: 3, called: nSnps },
      { conflicts: 2, called: 100 },
    ];
    const d = new Uint8Array(panel.length * stride);
    panel.forEach((r, i) => {
      const counts = Array.from({ length: nSnps }, (_, j) =>
        i === 0 ? 0 : j >= r.called ? MISSING : j < r.conflicts ? 2 : 1,
      );
      packCounts(counts, d.subarray(i * stride, (i + 1) * stride));
    });
    const pm: PackedMatrix = { nSamples: panel.length, nSnps, data: d };
    const res = discoverParents(pm, 0, born, pm, candidates.slice(0, 2), { mode: "panel", parent: "sire", report: 1 });
    expect(res.ranked.map((r) => [r.row, r.status])).toEqual([[2, "verified"]]);
    expect(res.matches.map((r) => r.row)).toEqual([2]);
  });
});

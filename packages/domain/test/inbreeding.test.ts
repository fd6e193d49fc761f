// Meuwissen & Luo against pedigrees worked by hand (path coefficients: F = Σ (½)^(n1+n2+1) (1 + F_A)).
import { describe, expect, it } from "vitest";
import { inbreedingCoefficients, inbreedingOf, sortPedigree, type PedigreeEntry } from "../src/animals/inbreeding";

const e = (id: string, sire: string | null = null, dam: string | null = null): PedigreeEntry => ({ id, sire, dam });

/** Fisher–Yates with a fixed seed: the algorithm must not depend on input order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("inbreeding (Meuwissen & Luo 1992)", () => {
  it("unrelated parents → 0; founders and one-parent animals → 0", () => {
    const F = inbreedingCoefficients([e("S"), e("D"), e("X", "S", "D"), e("Y", "S", null)]);
    expect([F.get("S"), F.get("D"), F.get("X"), F.get("Y")]).toEqual([0, 0, 0, 0]);
  });

  it("full-sib mating → 0.25", () => {
    expect(inbreedingOf("X", [e("S"), e("D"), e("B", "S", "D"), e("C", "S", "D"), e("X", "B", "C")])).toBe(0.25);
  });

  it("half-sib mating → 0.125", () => {
    expect(inbreedingOf("X", [e("S"), e("D1"), e("D2"), e("B", "S", "D1"), e("C", "S", "D2"), e("X", "B", "C")])).toBe(
      0.125,
    );
  });

  it("parent–offspring mating → 0.25", () => {
    expect(inbreedingOf("X", [e("S"), e("D"), e("C", "S", "D"), e("X", "S", "C")])).toBe(0.25);
  });

  it("repeated backcross to the same sire: 0.25, 0.375, 0.4375", () => {
    const p = [e("S"), e("D"), e("C1", "S", "D"), e("C2", "S", "C1"), e("C3", "S", "C2"), e("C4", "S", "C3")];
    const F = inbreedingCoefficients(p);
    expect([F.get("C1"), F.get("C2"), F.get("C3"), F.get("C4")]).toEqual([0, 0.25, 0.375, 0.4375]);
  });

  it("first cousins → 0.0625; double first cousins → 0.125", () => {
    const cousins = [e("G1"), e("G2"), e("P1", "G1", "G2"), e("P2", "G1", "G2"), e("M1"), e("M2")];
    expect(inbreedingOf("X", [...cousins, e("A", "P1", "M1"), e("B", "M2", "P2"), e("X", "A", "B")])).toBe(0.0625);
    const double = [e("G1"), e("G2"), e("G3"), e("G4")];
    double.push(e("S1", "G1", "G2"), e("S2", "G1", "G2"), e("D1", "G3", "G4"), e("D2", "G3", "G4"));
    double.push(e("A", "S1", "D1"), e("B", "S2", "D2"), e("X", "A", "B"));
    expect(inbreedingOf("X", double)).toBe(0.125);
  });

  it("a common ancestor that is itself inbred: full sibs of an inbred sire, F = ¼(1 + F_A) paths", () => {
    // S is the offspring of a full-sib mating (F_S = 0.25); X is by S out of his daughter D:
    // one path X ← S, X ← D ← S: (½)^(1+0+1)·(1 + 0.25) = 0.3125.
    const p = [e("G1"), e("G2"), e("B", "G1", "G2"), e("C", "G1", "G2"), e("S", "B", "C"), e("M"), e("D", "S", "M")];
    expect(inbreedingOf("X", [...p, e("X", "S", "D")])).toBe(0.3125);
  });

  it("does not depend on input order, and adds parents it only knows by reference", () => {
    const p = [e("S"), e("D"), e("B", "S", "D"), e("C", "S", "D"), e("X", "B", "C"), e("Y", "X", "C")];
    const reference = inbreedingCoefficients(p);
    for (const seed of [1, 2, 3, 42]) expect(inbreedingCoefficients(shuffled(p, seed))).toEqual(reference);
    // Y = X × C where X = B × C: F_Y = ½(1 + F_C) a_{XC}/… worked out: a_XC = ½(a_BC + a_CC) = ½(0.5 + 1) = 0.75 → F_Y = 0.375
    expect(reference.get("Y")).toBe(0.375);
    // S and D missing from the list: they become founders.
    expect(inbreedingOf("X", [e("X", "B", "C"), e("B", "S", "D"), e("C", "S", "D")])).toBe(0.25);
  });

  it("back-cross to a sire who is also the grandsire (Y = B × X, X = B × C, B and C full sibs) → 0.375, in any order", () => {
    // Listing offspring first makes the depth-first sort reach B along two paths.
    const p = [e("Y", "B", "X"), e("X", "B", "C"), e("C", "S", "D"), e("B", "S", "D"), e("S"), e("D")];
    for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const order = seed ? shuffled(p, seed) : p;
      expect(
        sortPedigree(order)
          .map((x) => x.id)
          .sort(),
      ).toEqual(["B", "C", "D", "S", "X", "Y"]);
      expect(inbreedingOf("Y", order)).toBe(0.375);
    }
  });

  it("sorts parents before offspring and refuses cycles", () => {
    const order = sortPedigree([e("X", "B", "C"), e("C", "S", "D"), e("B", "S", "D")]).map((x) => x.id);
    for (const [child, parent] of [
      ["X", "B"],
      ["X", "C"],
      ["B", "S"],
      ["C", "D"],
    ] as const)
      expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
    expect(() => sortPedigree([e("A", "B"), e("B", "A")])).toThrow(/its own ancestor/);
  });

  it("handles a deep pedigree without recursion limits", () => {
    const p: PedigreeEntry[] = [e("D0")];
    for (let i = 1; i <= 20_000; i++) p.push(e(`D${i}`, null, `D${i - 1}`));
    expect(inbreedingCoefficients(p).get("D20000")).toBe(0);
  });
});

// The stored marker map (genotypes/panel-codec.ts): a panel round-trips marker for marker, and the
// decoded allele pairs are shared between markers with the same pair (the memory a kept panel holds).
import { simulatePopulation } from "@reprotech/genomics";
import { describe, expect, it } from "vitest";
import { decodeMarkerMap, encodeMarkerMap } from "../src/genotypes/panel-codec";

describe("marker map codec", () => {
  it("round-trips every marker and shares one array per distinct allele pair", () => {
    const { panel } = simulatePopulation({ seed: 3, nAnimals: 2, nSnps: 5_000, nGenerations: 1 });
    const decoded = decodeMarkerMap(encodeMarkerMap(panel));
    expect(decoded.markers).toEqual(panel.markers);
    expect(decoded.indexOf(panel.markers[4_321]!.name)).toBe(4_321);

    const pairs = decoded.markers.flatMap((m) => [m.top, m.forward, m.plus, m.design]).filter((p) => p !== undefined);
    expect(pairs.length).toBe(4 * 5_000);
    const distinct = new Set(pairs.map((p) => p.join("/")));
    expect(new Set(pairs).size).toBe(distinct.size);
    expect(distinct.size).toBeLessThan(50);
  });
});

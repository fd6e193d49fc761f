import { describe, expect, it } from "vitest";
import type { PedigreeNode } from "../../trpc";
import { BOX_HEIGHT, layoutPedigree } from "./pedigreeLayout";

let n = 0;
function node(over: Partial<PedigreeNode> = {}): PedigreeNode {
  n++;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return {
    id,
    kind: "animal",
    generation: 0,
    officialId: `HO8400030000000${n}`,
    naabCode: null,
    registrationNumber: null,
    name: null,
    breed: "HO",
    sex: "female",
    birthDate: "2020-01-01",
    sireId: null,
    sireBullId: null,
    damId: null,
    ...over,
  };
}

describe("layoutPedigree", () => {
  it("puts the sire above the dam and the child midway between them", () => {
    const bull = node({ kind: "bull", sex: "male", officialId: null, naabCode: "7HO12345" });
    const dam = node();
    const root = node({ sireBullId: bull.id, damId: dam.id });
    const layout = layoutPedigree(root, [bull, dam], 3);
    const box = (key: string) => {
      const found = layout.boxes.find((b) => b.key === key);
      if (!found) throw new Error(`no box ${key}`);
      return found;
    };
    const [self, sire, damBox] = [box("0:0"), box("1:0"), box("1:1")];
    expect(sire.role).toBe("sire");
    expect(sire.node?.id).toBe(bull.id);
    expect(damBox.role).toBe("dam");
    expect(sire.y).toBeLessThan(damBox.y);
    expect(self.y + BOX_HEIGHT / 2).toBe((sire.y + damBox.y) / 2 + BOX_HEIGHT / 2);
    // The bull ends its line; the dam's unknown parents show as empty slots.
    expect(layout.boxes.filter((b) => b.generation === 2).map((b) => [b.key, b.node])).toEqual([
      ["2:2", null],
      ["2:3", null],
    ]);
    expect(layout.links).toHaveLength(4);
  });

  it("flags an ancestor reached along two paths and stops at the depth", () => {
    const common = node({ sex: "male" });
    const sire = node({ sex: "male", sireId: common.id });
    const dam = node({ sireId: common.id });
    const root = node({ sireId: sire.id, damId: dam.id });
    const layout = layoutPedigree(root, [common, sire, dam], 2);
    const repeated = layout.boxes.filter((b) => b.repeated);
    expect(repeated.map((b) => b.key)).toEqual(["2:0", "2:2"]);
    expect(Math.max(...layout.boxes.map((b) => b.generation))).toBe(2);
  });
});

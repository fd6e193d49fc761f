import { describe, expect, it } from "vitest";
import {
  alignPanels,
  complementPair,
  deriveAlleleSets,
  GenotypeFormatError,
  isStrandAmbiguous,
  MISSING,
  packCounts,
  parseBim,
  parseSnpField,
  readIlluminaManifest,
  realignMatrix,
  realignRow,
  SnpPanel,
  unpackCounts,
  type SnpMarker,
} from "../src/index";

const m = (name: string, a: string, b: string): SnpMarker => ({ name, chrom: "1", position: 0, a, b });

describe("SnpPanel", () => {
  it("looks markers up by name and rejects duplicates", () => {
    const p = new SnpPanel([m("x", "A", "G"), m("y", "C", "T")]);
    expect(p.indexOf("y")).toBe(1);
    expect(p.indexOf("z")).toBe(-1);
    expect(p.get("x")?.b).toBe("G");
    expect(() => new SnpPanel([m("x", "A", "G"), m("x", "A", "G")])).toThrow(
      /duplicate SNP name "x" at positions 1 and 2/,
    );
    expect(() => p.alleleTable("top")).toThrow(/no Top alleles for SNP "x"/);
  });

  it("lays its names out as UTF-8 bytes end to end, built once", () => {
    const names = ["ARS-BFGL-NGS-1", "é-snp", "", "🐄_2", "x"];
    const p = new SnpPanel(names.map((name) => m(name, "A", "G")));
    const { bytes, ends } = p.nameBytes();
    const decoded = names.map((_, i) => new TextDecoder().decode(bytes.subarray(i === 0 ? 0 : ends[i - 1], ends[i])));
    expect(decoded).toEqual(names);
    expect(bytes.length).toBe(new TextEncoder().encode(names.join("")).length);
    expect(p.nameBytes().bytes).toBe(bytes);
  });
});

describe("re-alignment between panels by SNP name", () => {
  const from = new SnpPanel([
    m("s1", "A", "G"),
    m("s2", "C", "T"),
    m("s3", "A", "T"),
    m("s4", "A", "C"),
    m("s5", "G", "T"),
  ]);
  const to = new SnpPanel([
    m("s3", "A", "T"), // same
    m("new", "A", "G"), // absent: missing
    m("s2", "T", "C"), // swapped: mirrored
    m("s4", "T", "G"), // complemented: conflict, missing (never flipped)
    m("s1", "A", "G"),
    m("s5", "0", "T"), // one letter unknown, the other agrees
  ]);
  const counts = [2, 0, 1, 2, 2];

  it("moves calls, mirrors swapped letters, leaves absent and conflicting SNPs missing", () => {
    const al = alignPanels(from, to);
    expect([al.nAbsent, al.nSwapped, al.nConflicts]).toEqual([1, 1, 1]);
    const row = realignRow(packCounts(counts), al);
    expect([...unpackCounts(row, 6)]).toEqual([1, MISSING, 2, MISSING, 2, 2]);
    expect(row[1]! >>> 4).toBe(0); // trailing bits of the 6-SNP row stay 0
  });

  it("re-aligns whole matrices and back", () => {
    const rows = [counts, [0, 2, MISSING, 1, 0]];
    const data = new Uint8Array(4);
    rows.forEach((r, i) => data.set(packCounts(r), 2 * i));
    const there = realignMatrix({ nSamples: 2, nSnps: 5, data }, from, to);
    expect([...unpackCounts(there.data.subarray(2, 4), 6)]).toEqual([MISSING, MISSING, 0, MISSING, 0, 0]);
    const back = realignMatrix(there, to, from);
    expect([...unpackCounts(back.data.subarray(0, 2), 5)]).toEqual([2, 0, 1, MISSING, 2]);
  });
});

describe("allele sets", () => {
  it("derives Top/Forward/Plus from design alleles and strands without reordering A and B", () => {
    expect(parseSnpField("[T/C]")).toEqual(["T", "C"]);
    expect(parseSnpField("[D/I]")).toEqual(["D", "I"]);
    expect(parseSnpField("AG")).toBeUndefined();
    expect(deriveAlleleSets({ design: ["T", "C"], ilmnStrand: "BOT", sourceStrand: "TOP", refStrand: "-" })).toEqual({
      design: ["T", "C"],
      top: ["A", "G"],
      forward: ["A", "G"],
      plus: ["A", "G"],
    });
    // Ambiguous A/T on a BOT probe: complementing each allele in place keeps A first on the design strand.
    expect(deriveAlleleSets({ design: ["T", "A"], ilmnStrand: "BOT", sourceStrand: "BOT", refStrand: "+" })).toEqual({
      design: ["T", "A"],
      top: ["A", "T"],
      forward: ["T", "A"],
      plus: ["T", "A"],
    });
    expect(isStrandAmbiguous("C", "G")).toBe(true);
    expect(isStrandAmbiguous("A", "G")).toBe(false);
    expect(complementPair(["A", "C"])).toEqual(["T", "G"]);
  });
});

describe("panel loaders", () => {
  it("reads an Illumina manifest by column name, with quoted fields, extra sections and no RefStrand", async () => {
    const csv = [
      "Illumina, Inc.",
      "[Heading]",
      "Descriptor File Name,BovineSNP50_v3_A1.bpm",
      "Assay Format,Infinium HTS",
      "[Assay]",
      "IlmnID,Name,IlmnStrand,SNP,AddressA_ID,Chr,MapInfo,Ploidy,SourceStrand,SourceSeq,TopGenomicSeq",
      'ARS-1_T_F_1,ARS-BFGL-1,TOP,[A/G],123,1,135098,diploid,BOT,"ACGT,x[A/G]",TTT[A/G]CCC',
      "BOV-2_B_F_2,BovineHD-2,BOT,[T/C],124,X,99,diploid,TOP,ACGT,GGG[A/G]AAA",
      "INDEL-3,Indel-3,PLUS,[D/I],125,2,1,diploid,PLUS,,",
      "WEIRD,Weird-4,TOP,[N/A],126,3,5,diploid,TOP,,",
      "[Controls]",
      "0027630314:0027630314,Staining,Red,DNP (High)",
    ].join("\r\n");
    const { panel, heading } = await readIlluminaManifest(csv);
    expect(heading["Descriptor File Name"]).toBe("BovineSNP50_v3_A1.bpm");
    expect(panel.size).toBe(4);
    const a = panel.get("ARS-BFGL-1")!;
    expect([a.chrom, a.position, a.a, a.b, a.top, a.forward, a.plus, a.topGenomicSeq]).toEqual([
      "1",
      135098,
      "A",
      "G",
      ["A", "G"],
      ["T", "C"],
      undefined,
      "TTT[A/G]CCC",
    ]);
    const b = panel.get("BovineHD-2")!;
    expect([b.design, b.top, b.forward]).toEqual([
      ["T", "C"],
      ["A", "G"],
      ["A", "G"],
    ]);
    expect(panel.get("Indel-3")!.top).toBeUndefined();
    const missing = await readIlluminaManifest("[Assay]\nIlmnID,Name,Chr,MapInfo\nx,y,1,2\n").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(GenotypeFormatError);
    expect((missing as Error).message).toMatch(/line 2: manifest: missing required column "SNP"/);
  });

  it("reads .bim columns 5 and 6 as A and B", () => {
    const p = parseBim("1\trs1\t0\t100\tA\tG\n2 rs2 0.5 200 c t\n");
    expect(p.markers.map((x) => [x.name, x.chrom, x.cm, x.position, x.a, x.b])).toEqual([
      ["rs1", "1", undefined, 100, "A", "G"],
      ["rs2", "2", 0.5, 200, "C", "T"],
    ]);
  });
});

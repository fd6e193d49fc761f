import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ALLELE_SETS,
  concatBytes,
  formatIlluminaManifest,
  formatMap,
  panelFromFinalReport,
  parseMap,
  readFinalReport,
  readIlluminaManifest,
  readPed,
  readPlinkBinary,
  readVcf,
  realignMatrix,
  simulatePopulation,
  SnpPanel,
  writeFinalReport,
  writePed,
  writeSimulationFiles,
  writeVcf,
  type PackedMatrix,
} from "../src/index";
import { tempDir } from "./plink-tool";

const pop = simulatePopulation({ seed: 5, nAnimals: 61, nSnps: 1003, nGenerations: 3, missingRate: 0.03 });
const ids = pop.animals.map((a) => a.id);
const tmp = tempDir("rt");
afterAll(() => tmp.cleanup());

function same(a: PackedMatrix, b: PackedMatrix): void {
  expect(a.nSamples).toBe(b.nSamples);
  expect(a.nSnps).toBe(b.nSnps);
  expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
}

function chunked(bytes: Uint8Array, size: number): Iterable<Uint8Array> {
  return (function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

describe("simulator data has what the round trips need", () => {
  it("contains missing calls, all three genotypes and strand-ambiguous SNPs", () => {
    const counts = [0, 0, 0, 0];
    for (const byte of pop.genotypes.data) for (let k = 0; k < 4; k++) counts[(byte >>> (2 * k)) & 3]!++;
    expect(counts[1]).toBeGreaterThan(1000); // missing
    expect(counts[0]).toBeGreaterThan(1000);
    expect(counts[2]).toBeGreaterThan(1000);
    expect(counts[3]).toBeGreaterThan(1000);
    const ambiguous = pop.panel.markers.filter((m) => (m.a === "A" && m.b === "T") || (m.a === "C" && m.b === "G"));
    expect(ambiguous.length).toBeGreaterThan(50);
  });
});

describe("round trips: every writer -> reader returns the same calls", () => {
  it(".ped/.map with letters, numeric 1-4 and A/B alleles, space or tab separated, any chunking", async () => {
    const ped = concatBytes(writePed(pop.panel, pop.samples, pop.genotypes));
    const back = await readPed(chunked(ped, 4099), pop.panel);
    same(back.genotypes, pop.genotypes);
    expect(back.samples).toEqual(pop.samples);
    expect(back.alleleMismatches).toBe(0);

    const numeric = concatBytes(
      writePed(pop.panel, pop.samples, pop.genotypes, { alleles: "numeric", separator: "\t" }),
    );
    expect(new TextDecoder().decode(numeric.subarray(0, 200))).toMatch(/\t[0-4]\t[0-4]/);
    same((await readPed(numeric, pop.panel)).genotypes, pop.genotypes);

    const ab = concatBytes(writePed(pop.panel, pop.samples, pop.genotypes, { alleles: "ab" }));
    const abPanel = new SnpPanel(pop.panel.markers.map((m) => ({ ...m, a: "A", b: "B" })));
    same((await readPed(ab, abPanel, { numericAlleles: false })).genotypes, pop.genotypes);
  });

  it(".ped read with only a .map learns the letters and gives the same genotypes in letters", async () => {
    const ped = concatBytes(writePed(pop.panel, pop.samples, pop.genotypes));
    const back = await readPed(ped, formatMap(pop.panel));
    // The first allele seen became A, so some SNPs are mirrored; aligning by letters restores the calls.
    const learned = back.panel.markers.filter((m, j) => m.a !== pop.panel.markers[j]!.a).length;
    expect(learned).toBeGreaterThan(100);
    for (const [j, m] of back.panel.markers.entries()) {
      const truth = [pop.panel.markers[j]!.a, pop.panel.markers[j]!.b];
      // A SNP that is monomorphic in these animals only reveals one letter; "0" stands for the other.
      if (m.b === "0") expect(truth).toContain(m.a);
      else expect([m.a, m.b].sort()).toEqual(truth.sort());
    }
    same(realignMatrix(back.genotypes, back.panel, pop.panel), pop.genotypes);
    expect(parseMap(formatMap(pop.panel)).markers.map((m) => m.name)).toEqual(pop.panel.markers.map((m) => m.name));
  });

  it("VCF, unphased and phased, and aligned to a panel", async () => {
    const vcf = concatBytes(writeVcf(pop.panel, pop.samples, pop.genotypes, { blockSnps: 100 }));
    const back = await readVcf(chunked(vcf, 777));
    same(back.genotypes, pop.genotypes);
    expect(back.samples.map((s) => s.iid)).toEqual(ids);
    expect(back.panel.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b])).toEqual(
      pop.panel.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b]),
    );
    const phased = concatBytes(writeVcf(pop.panel, pop.samples, pop.genotypes, { phased: true }));
    expect(new TextDecoder().decode(phased)).toMatch(/\t0\|1/);
    same((await readVcf(phased)).genotypes, pop.genotypes);
    const aligned = await readVcf(vcf, { panel: pop.panel });
    same(aligned.genotypes, pop.genotypes);
  });

  it("FinalReport with AB, Top and Forward columns, read back through each allele set", async () => {
    const fr = concatBytes(
      writeFinalReport(pop.panel, ids, pop.genotypes, { alleleSets: ["ab", "top", "forward", "plus", "design"] }),
    );
    for (const set of ALLELE_SETS) {
      const back = await readFinalReport(chunked(fr, 65536), { panel: pop.panel, alleles: set });
      same(back.genotypes, pop.genotypes);
      expect(back.sampleIds).toEqual(ids);
      expect(back.summary.alleleMismatches).toBe(0);
      expect(back.summary.warnings).toEqual([]);
    }
  });

  it("FinalReport without a panel: the file's own SNP columns define it (comma separated, CRLF)", async () => {
    const fr = concatBytes(
      writeFinalReport(pop.panel, ids, pop.genotypes, {
        alleleSets: ["top"],
        snpColumns: true,
        separator: ",",
        lineEnding: "\r\n",
      }),
    );
    const back = await readFinalReport(fr);
    expect(back.summary.alleleSet).toBe("top");
    expect(back.summary.separator).toBe(",");
    same(back.genotypes, pop.genotypes);
    const panel = await panelFromFinalReport(fr);
    expect(panel.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b, m.top])).toEqual(
      pop.panel.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b, m.top]),
    );
  });

  it("Illumina manifest -> panel keeps names, positions and every allele set", async () => {
    const csv = formatIlluminaManifest(pop.panel);
    const { panel, skipped } = await readIlluminaManifest(csv);
    expect(skipped).toEqual([]);
    const pick = (p: SnpPanel) =>
      p.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b, m.top, m.forward, m.plus, m.design]);
    expect(pick(panel)).toEqual(pick(pop.panel));
  });

  it("writeSimulationFiles writes every format and each reads back to the same calls", async () => {
    const dir = join(tmp.dir, "files");
    const paths = await writeSimulationFiles(pop, dir, "pop");
    expect(paths.map((p) => p.slice(dir.length + 1)).sort()).toEqual(
      [
        "pop.bed",
        "pop.bim",
        "pop.fam",
        "pop.map",
        "pop.ped",
        "pop.vcf",
        "pop_FinalReport.txt",
        "pop_manifest.csv",
        "pop.pedigree.tsv",
        "pop.phenotypes.tsv",
        "pop.tbv.tsv",
        "pop.wrong-parents.tsv",
      ].sort(),
    );
    const f = (n: string) => readFileSync(join(dir, n));
    const { panel } = await readIlluminaManifest(f("pop_manifest.csv"));
    same((await readPlinkBinary({ bed: f("pop.bed"), bim: f("pop.bim"), fam: f("pop.fam") })).genotypes, pop.genotypes);
    same((await readPed(f("pop.ped"), panel)).genotypes, pop.genotypes);
    same((await readVcf(f("pop.vcf"), { panel })).genotypes, pop.genotypes);
    same((await readFinalReport(f("pop_FinalReport.txt"), { panel, alleles: "forward" })).genotypes, pop.genotypes);
    const wrong = f("pop.wrong-parents.tsv").toString().trim().split("\n");
    expect(wrong.length - 1).toBe(pop.wrongParents.length);
  });
});

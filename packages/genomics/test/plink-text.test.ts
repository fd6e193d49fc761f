import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  concatBytes,
  formatMap,
  GenotypeFormatError,
  readPed,
  readPlinkBinary,
  readVcf,
  realignMatrix,
  simulatePopulation,
  SnpPanel,
  writePed,
  writePlinkBinary,
  writeVcf,
  type PackedMatrix,
} from "../src/index";
import { runPlink, tempDir } from "./plink-tool";

const pop = simulatePopulation({ seed: 23, nAnimals: 150, nSnps: 2001, nGenerations: 3, missingRate: 0.02 });
const tmp = tempDir("ped");
afterAll(() => tmp.cleanup());
const CHR = ["--chr-set", "29", "--allow-no-sex"];

function same(a: PackedMatrix, b: PackedMatrix): void {
  expect([a.nSamples, a.nSnps]).toEqual([b.nSamples, b.nSnps]);
  expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
}

describe("PLINK text and VCF interoperability with plink1.9 / plink2", () => {
  it("our .ped/.map -> plink1.9 --make-bed -> read here: same calls (letters re-aligned)", async () => {
    writeFileSync(join(tmp.dir, "ours.ped"), concatBytes(writePed(pop.panel, pop.samples, pop.genotypes)));
    writeFileSync(join(tmp.dir, "ours.map"), formatMap(pop.panel));
    runPlink("plink1.9", ["--file", "ours", "--make-bed", "--out", "fromped", ...CHR], tmp.dir);
    const f = (x: string) => readFileSync(join(tmp.dir, x));
    const back = await readPlinkBinary({ bed: f("fromped.bed"), bim: f("fromped.bim"), fam: f("fromped.fam") });
    expect(back.samples).toEqual(pop.samples);
    same(realignMatrix(back.genotypes, back.panel, pop.panel), pop.genotypes);
  });

  it("our .bed -> plink1.9 --recode (ped) -> our .ped reader: same calls", async () => {
    const b = writePlinkBinary(pop.panel, pop.samples, pop.genotypes);
    writeFileSync(join(tmp.dir, "b.bed"), concatBytes(b.bed));
    writeFileSync(join(tmp.dir, "b.bim"), b.bim);
    writeFileSync(join(tmp.dir, "b.fam"), b.fam);
    runPlink("plink1.9", ["--bfile", "b", "--recode", "--out", "recoded", ...CHR], tmp.dir);
    const back = await readPed(readFileSync(join(tmp.dir, "recoded.ped")), pop.panel);
    expect(back.alleleMismatches).toBe(0);
    same(back.genotypes, pop.genotypes);
    // plink's numeric recode (1/2 = allele 1/2) read as digits on purpose through a 1/2 panel
    runPlink("plink1.9", ["--bfile", "b", "--recode", "12", "--keep-allele-order", "--out", "rec12", ...CHR], tmp.dir);
    const p12 = new SnpPanel(pop.panel.markers.map((m) => ({ ...m, a: "1", b: "2" })));
    same(
      (await readPed(readFileSync(join(tmp.dir, "rec12.ped")), p12, { numericAlleles: false })).genotypes,
      pop.genotypes,
    );
  });

  it("our VCF -> plink2 --make-bed, and plink2 --export vcf -> our VCF reader: same calls", async () => {
    writeFileSync(join(tmp.dir, "ours.vcf"), concatBytes(writeVcf(pop.panel, pop.samples, pop.genotypes)));
    runPlink("plink2", ["--vcf", "ours.vcf", "--make-bed", "--out", "fromvcf", "--chr-set", "29"], tmp.dir);
    const f = (x: string) => readFileSync(join(tmp.dir, x));
    const back = await readPlinkBinary({ bed: f("fromvcf.bed"), bim: f("fromvcf.bim"), fam: f("fromvcf.fam") });
    expect(back.samples.map((s) => s.iid)).toEqual(pop.samples.map((s) => s.iid));
    same(realignMatrix(back.genotypes, back.panel, pop.panel), pop.genotypes);

    runPlink("plink2", ["--bfile", "b", "--export", "vcf", "--out", "exported", "--chr-set", "29"], tmp.dir);
    const v = await readVcf(f("exported.vcf"), { panel: pop.panel });
    expect(v.samples.map((s) => s.iid)).toEqual(pop.samples.map((s) => `${s.fid}_${s.iid}`));
    expect(v.skipped).toEqual({ indel: 0, multiallelic: 0, monomorphic: 0, noGt: 0, notOnPanel: 0 });
    same(v.genotypes, pop.genotypes);
  });
});

describe(".ped reader errors", () => {
  const ped = new TextDecoder().decode(
    concatBytes(
      writePed(pop.panel, pop.samples.slice(0, 3), {
        ...pop.genotypes,
        nSamples: 3,
        data: pop.genotypes.data.subarray(0, 3 * 501),
      }),
    ),
  );
  const fail = async (text: string | Uint8Array, panel = pop.panel): Promise<GenotypeFormatError> => {
    const e = await readPed(text, panel).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(GenotypeFormatError);
    return e as GenotypeFormatError;
  };

  it("file truncated mid-row", async () => {
    const e = await fail(ped.slice(0, ped.length - 101));
    expect(e.code).toBe("TRUNCATED");
    expect(e.line).toBe(3);
  });

  it("a row with too few or too many allele columns", async () => {
    const lines = ped.split("\n");
    lines[1] = lines[1]!.slice(0, -4);
    const e = await fail(lines.join("\n"));
    expect(e.code).toBe("BAD_ROW");
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/4000 allele columns, expected 4002/);
    lines[1] = lines[0]!.replace("SIM001", "SIMX") + " A A";
    expect((await fail(lines.join("\n"))).message).toMatch(/4004 allele columns, expected 4002/);
  });

  it("duplicate samples, binary data, multi-character alleles, empty file", async () => {
    const lines = ped.split("\n");
    const dup = await fail([lines[0], lines[1], lines[0]].join("\n"));
    expect(dup.code).toBe("DUPLICATE_SAMPLE");
    expect(dup.line).toBe(3);
    const bin = new TextEncoder().encode(ped);
    bin[ped.indexOf("\n") + 40] = 0;
    expect((await fail(bin)).code).toBe("BINARY");
    const long = await fail(lines[0]!.replace(/ [ACGT0] [ACGT0]$/, " AT G"));
    expect(long.code).toBe("BAD_ALLELE");
    expect((await fail("")).code).toBe("EMPTY");
  });

  it("a third allele is a mismatch made missing, never a strand flip", async () => {
    const m = pop.panel.markers[0]!;
    const comp: Record<string, string> = { A: "T", C: "G", G: "C", T: "A" };
    const lines = ped.split("\n");
    const f = lines[0]!.split(" ");
    f[6] = comp[m.a]!;
    f[7] = comp[m.a]!;
    const r = await readPed([f.join(" "), ...lines.slice(1)].join("\n"), pop.panel);
    expect(r.alleleMismatches).toBe(m.a === comp[m.b] ? 0 : 1);
    expect(r.genotypes.data[0]! & 3).toBe(m.a === comp[m.b] ? 0b11 : 0b01);
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  bytesPerSample,
  concatBytes,
  formatFam,
  GenotypeFormatError,
  readBed,
  readPlinkBinary,
  simulatePopulation,
  unpackCounts,
  writeBed,
  writePlinkBinary,
  type PackedMatrix,
} from "../src/index";
import { runPlink, tempDir } from "./plink-tool";

const pop = simulatePopulation({ seed: 11, nAnimals: 203, nSnps: 1501, nGenerations: 3, missingRate: 0.02 });
const tmp = tempDir("bed");
afterAll(() => tmp.cleanup());

function writeFileset(prefix: string): void {
  const files = writePlinkBinary(pop.panel, pop.samples, pop.genotypes, { blockSnps: 100 });
  writeFileSync(`${prefix}.bed`, concatBytes(files.bed));
  writeFileSync(`${prefix}.bim`, files.bim);
  writeFileSync(`${prefix}.fam`, files.fam);
}

/** B-allele count of sample i, SNP j. */
function count(m: PackedMatrix, i: number, j: number): number {
  const s = bytesPerSample(m.nSnps);
  return (m.data[i * s + (j >>> 2)]! >>> ((j & 3) << 1)) & 3;
}

describe(".bed/.bim/.fam", () => {
  it("round-trips the simulator's matrix through our writer and reader, in any block size", async () => {
    const prefix = join(tmp.dir, "rt");
    writeFileset(prefix);
    const back = await readPlinkBinary({
      bed: readFileSync(`${prefix}.bed`),
      bim: readFileSync(`${prefix}.bim`),
      fam: readFileSync(`${prefix}.fam`),
    });
    expect(back.genotypes.nSamples).toBe(203);
    expect(back.genotypes.nSnps).toBe(1501);
    expect(Buffer.from(back.genotypes.data).equals(Buffer.from(pop.genotypes.data))).toBe(true);
    expect(back.samples).toEqual(pop.samples);
    expect(back.panel.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b])).toEqual(
      pop.panel.markers.map((m) => [m.name, m.chrom, m.position, m.a, m.b]),
    );
    // Byte-sized chunks exercise the streaming reader's block assembly.
    const bytes = readFileSync(`${prefix}.bed`);
    const small = (function* () {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    })();
    const again = await readBed(small, 203, 1501);
    expect(Buffer.from(again.data).equals(Buffer.from(pop.genotypes.data))).toBe(true);
  });

  it("writes a .bed plink1.9 reads with the same calls (recode A = count of the column-6 allele)", () => {
    const prefix = join(tmp.dir, "ours");
    writeFileset(prefix);
    runPlink(
      "plink1.9",
      [
        "--bfile",
        "ours",
        "--recode",
        "A",
        "--out",
        "ours_raw",
        "--allow-no-sex",
        "--keep-allele-order",
        "--chr-set",
        "29",
      ],
      tmp.dir,
    );
    const raw = readFileSync(join(tmp.dir, "ours_raw.raw"), "utf8").trim().split("\n");
    const header = raw[0]!.split(" ");
    // recode A counts the A1 allele (column 5); with --keep-allele-order that is our A allele.
    expect(header[6]).toBe(`${pop.panel.markers[0]!.name}_${pop.panel.markers[0]!.a}`);
    let compared = 0;
    for (let i = 0; i < 203; i++) {
      const f = raw[i + 1]!.split(" ");
      expect(f[1]).toBe(pop.samples[i]!.iid);
      for (let j = 0; j < 1501; j++) {
        const c = count(pop.genotypes, i, j);
        const expected = c === 1 ? "NA" : String(2 - [0, -1, 1, 2][c]!);
        expect(f[6 + j]).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(203 * 1501);
  });

  it("writes a .bed plink2 reads identically (plink2 --make-bed output is byte-identical)", () => {
    const prefix = join(tmp.dir, "ours2");
    writeFileset(prefix);
    runPlink("plink2", ["--bfile", "ours2", "--make-bed", "--out", "p2", "--chr-set", "29"], tmp.dir);
    expect(Buffer.from(readFileSync(join(tmp.dir, "p2.bed"))).equals(readFileSync(`${prefix}.bed`))).toBe(true);
    const bim = readFileSync(join(tmp.dir, "p2.bim"), "utf8").trim().split("\n");
    expect(bim[0]!.split("\t").slice(4)).toEqual([pop.panel.markers[0]!.a, pop.panel.markers[0]!.b]);
  });

  it("reads a .bed made by plink1.9 from a .ped (alleles as plink chose them)", async () => {
    // Build a small .ped by hand from the simulator's calls, in nucleotide letters.
    const n = 37;
    const p = 50;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = pop.samples[i]!;
      const g: string[] = [];
      const counts = unpackCounts(
        pop.genotypes.data.subarray(i * bytesPerSample(1501), (i + 1) * bytesPerSample(1501)),
        p,
      );
      for (let j = 0; j < p; j++) {
        const m = pop.panel.markers[j]!;
        const c = counts[j]!;
        g.push(c === -1 ? "0 0" : c === 0 ? `${m.a} ${m.a}` : c === 1 ? `${m.a} ${m.b}` : `${m.b} ${m.b}`);
      }
      lines.push(`${s.fid} ${s.iid} 0 0 ${s.sex} -9 ${g.join(" ")}`);
    }
    writeFileSync(join(tmp.dir, "hand.ped"), lines.join("\n") + "\n");
    writeFileSync(
      join(tmp.dir, "hand.map"),
      pop.panel.markers
        .slice(0, p)
        .map((m) => `${m.chrom} ${m.name} 0 ${m.position}`)
        .join("\n") + "\n",
    );
    runPlink(
      "plink1.9",
      ["--file", "hand", "--make-bed", "--out", "fromped", "--allow-no-sex", "--chr-set", "29"],
      tmp.dir,
    );
    const back = await readPlinkBinary({
      bed: readFileSync(join(tmp.dir, "fromped.bed")),
      bim: readFileSync(join(tmp.dir, "fromped.bim")),
      fam: readFileSync(join(tmp.dir, "fromped.fam")),
    });
    expect(back.samples.map((s) => s.iid)).toEqual(pop.samples.slice(0, n).map((s) => s.iid));
    let swapped = 0;
    for (let j = 0; j < p; j++) {
      const ours = pop.panel.markers[j]!;
      const theirs = back.panel.markers[j]!;
      expect(theirs.name).toBe(ours.name);
      for (let i = 0; i < n; i++) {
        const oc = count(pop.genotypes, i, j);
        const tc = count(back.genotypes, i, j);
        if (theirs.b === ours.b) expect(tc).toBe(oc);
        else if (theirs.b === ours.a) expect(tc).toBe(oc === 0 ? 3 : oc === 3 ? 0 : oc);
        else expect(theirs.b).toBe("0"); // monomorphic in this subset: plink writes 0 for the unseen allele
      }
      if (theirs.b === ours.a) swapped++;
    }
    expect(swapped).toBeGreaterThan(0); // plink puts the minor allele first, so some SNPs come back mirrored
  });

  it("rejects a truncated .bed, a wrong magic and the old sample-major mode", async () => {
    const bed = concatBytes(writeBed(pop.genotypes));
    await expect(readBed(bed.subarray(0, bed.length - 5), 203, 1501)).rejects.toThrow(/expected 76554 .*truncated/);
    await expect(readBed(new Uint8Array([1, 2, 3, 4]), 1, 1)).rejects.toThrow(GenotypeFormatError);
    await expect(readBed(new Uint8Array([0x6c, 0x1b, 0x00, 0]), 1, 1)).rejects.toThrow(/sample-major/);
    await expect(readBed(new Uint8Array(0), 1, 1)).rejects.toThrow(/empty/);
    expect(formatFam(pop.samples.slice(0, 1))).toMatch(/^SIM SIM\d+ 0 0 [12] -9\n$/);
  });
});

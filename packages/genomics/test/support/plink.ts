// Running PLINK from tests: write a PLINK 1 fileset from a packed matrix (with the package's own writer)
// and run plink2 / plink1.9.
// A missing binary makes the test fail with the install hint (never skipped).
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleInfo } from "../../src/formats/plink-fam";
import { writePlinkBinary } from "../../src/formats/plink-bed";
import type { PackedMatrix } from "../../src/pack";
import { SnpPanel } from "../../src/panel";

export const PLINK2 = "/usr/bin/plink2";
export const PLINK1 = "/usr/bin/plink1.9";

function which(name: string): string {
  for (const p of [name, ...(process.env.PATH ?? "").split(":").map((d) => join(d, name.split("/").pop()!))])
    if (existsSync(p)) return p;
  throw new Error(`${name} not found: install it with \`apt-get install plink1.9 plink2\``);
}

export function runPlink(bin: string, args: string[]): string {
  const exe = which(bin);
  return execFileSync(exe, ["--threads", "2", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const created: string[] = [];

/** A fresh directory under the OS temp dir; every test file that calls this removes them with `afterAll(removeTempDirs)`. */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `genomics-${tag}-`));
  created.push(dir);
  return dir;
}

/** rm -rf of every directory tempDir made in this test file (vitest runs each file in its own module graph). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** SNP ids used in the written .bim: snp0, snp1, ... ; A1 (first allele, code 00) = "A", A2 (B allele) = "G". */
export const snpId = (j: number): string => `snp${j}`;
export const ALLELE_A = "A";
export const ALLELE_B = "G";

/** Writes prefix.bed/.bim/.fam with the package's PLINK writer (src/formats/plink-bed.ts). */
export function writePlinkFileset(
  prefix: string,
  m: PackedMatrix,
  chrom?: (j: number) => string,
  pos?: (j: number) => number,
): void {
  const panel = new SnpPanel(
    Array.from({ length: m.nSnps }, (_, j) => ({
      name: snpId(j),
      chrom: chrom ? chrom(j) : "1",
      position: pos ? pos(j) : j + 1,
      a: ALLELE_A,
      b: ALLELE_B,
    })),
  );
  const samples = Array.from({ length: m.nSamples }, (_, i) => sampleInfo(`i${i}`, { fid: `f${i}` }));
  const files = writePlinkBinary(panel, samples, m);
  const fd = openSync(`${prefix}.bed`, "w");
  try {
    for (const chunk of files.bed) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  writeFileSync(`${prefix}.bim`, files.bim);
  writeFileSync(`${prefix}.fam`, files.fam);
}

/** Reads a whitespace-separated PLINK report into header + rows of fields. */
export function readTable(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const header = lines[0]!.replace(/^#/, "").trim().split(/\s+/);
  return { header, rows: lines.slice(1).map((l) => l.trim().split(/\s+/)) };
}

export function column(t: { header: string[]; rows: string[][] }, name: string): string[] {
  const k = t.header.indexOf(name);
  if (k < 0) throw new Error(`column ${name} not in ${t.header.join(",")}`);
  return t.rows.map((r) => r[k]!);
}

/** Writes a plink2 .afreq file giving the B-allele frequencies (REF = A2 = B allele here, ALT = A1). */
export function writeAfreq(path: string, p: Float64Array): void {
  const lines = ["#CHROM\tID\tREF\tALT\tALT_FREQS\tOBS_CT"];
  for (let j = 0; j < p.length; j++)
    lines.push(`1\t${snpId(j)}\t${ALLELE_B}\t${ALLELE_A}\t${(1 - p[j]!).toPrecision(17)}\t100`);
  writeFileSync(path, lines.join("\n") + "\n");
}

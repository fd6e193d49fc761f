// Which genotype format a file is, decided from its first bytes — never from its name — and the
// refusals that need no parse: empty, binary, compressed, header without genotype rows, unknown;
// then, from the same bytes, whether the file fits the chosen panel (a wrong panel is refused at
// the upload, not found out minutes later by the ingest).
import { AppError } from "@reprotech/core";

export type GenotypeFileFormat = "final_report" | "vcf" | "ped";

/** How much of the file's start the sniffer reads (a VCF header of many ##contig lines fits). */
export const SNIFF_BYTES = 4 * 1024 * 1024;

const bad = (message: string) => new AppError("BAD_REQUEST", message);

/**
 * `head` is the file's first bytes (up to SNIFF_BYTES); `complete` says whether it is the whole
 * file. Throws a BAD_REQUEST naming the problem; returns the format otherwise.
 */
export function sniffGenotypeFormat(head: Uint8Array, complete: boolean): GenotypeFileFormat {
  if (head.length === 0) throw bad("The file is empty");
  if ((head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03))
    throw bad("The file is compressed (gzip or zip): upload the uncompressed genotype file");
  for (let i = 0; i < Math.min(head.length, 64 * 1024); i++) {
    const c = head[i]!;
    if (c === 0 || c < 9 || (c > 13 && c < 32 && c !== 27))
      throw bad("The file is binary, not a text genotype file (Illumina FinalReport, VCF or PLINK .ped)");
  }
  const lines = headLines(head);
  // The last line of an incomplete head may be cut short; it still proves a row starts there.
  const nonEmpty = (l: string) => l.trim() !== "";

  if (/^\[Header\]/i.test(lines[0] ?? "")) {
    const data = lines.findIndex((l) => /^\[Data\]/i.test(l.trim()));
    if (data < 0) {
      if (complete) throw bad("The FinalReport has a [Header] but no [Data] section: no genotypes to read");
      return "final_report";
    }
    const rows = lines.slice(data + 2).filter(nonEmpty);
    if (rows.length === 0 && complete) throw bad("The FinalReport has only its header: no genotype rows");
    return "final_report";
  }

  if (/^##fileformat=VCF/i.test(lines[0] ?? "")) {
    const chrom = lines.findIndex((l) => l.startsWith("#CHROM"));
    if (chrom < 0) {
      if (complete) throw bad("The VCF has no #CHROM header line");
      return "vcf";
    }
    const fields = lines[chrom]!.split("\t");
    if (fields.length < 10) throw bad("The VCF has no sample columns: no genotypes to read");
    const rows = lines.slice(chrom + 1).filter(nonEmpty);
    if (rows.length === 0 && complete) throw bad("The VCF has only its header: no genotype rows");
    return "vcf";
  }

  // PLINK .ped: FID IID father mother sex phenotype, then two alleles per SNP, whitespace-separated.
  const first = lines.find(nonEmpty);
  if (first !== undefined) {
    const fields = first.trim().split(/\s+/);
    const wholeLine = complete || lines.indexOf(first) < lines.length - 1;
    if (fields.length >= 8 && (!wholeLine || (fields.length - 6) % 2 === 0)) return "ped";
  }
  throw bad(
    "Unrecognised genotype file: expected an Illumina FinalReport ([Header] … [Data]), a VCF (##fileformat=VCF) or a PLINK .ped",
  );
}

function headLines(head: Uint8Array): string[] {
  let text = new TextDecoder("latin1").decode(head);
  if (text.startsWith("\u00ef\u00bb\u00bf")) text = text.slice(3); // UTF-8 BOM read as latin1
  return text.split(/\r?\n/);
}

/** Above this share of the file's SNPs missing from the panel, the file is taken for another chip's. */
export const MAX_UNKNOWN_SNP_SHARE = 0.5;

/**
 * Refuses a file that does not fit the chosen panel, judged from the head the format was sniffed
 * from (with 4 MB, the whole first sample of a 60K FinalReport): most of its distinct SNP names
 * not on the panel (FinalReport, VCF), or a PLINK .ped with another SNP count. A few unknown SNPs
 * pass; the reader ignores them. `hasSnp` tells panel SNP names; `panelLabel` is e.g. "Chip v1".
 */
export function checkPanelFit(
  head: Uint8Array,
  complete: boolean,
  format: GenotypeFileFormat,
  panel: { size: number; hasSnp: (name: string) => boolean; label: string },
): void {
  const lines = headLines(head);
  // The last line of an incomplete head may be cut mid-name.
  if (!complete) lines.pop();
  const names = new Set<string>();
  if (format === "ped") {
    const first = lines.find((l) => l.trim() !== "");
    const fields = first?.trim().split(/\s+/).length ?? 0;
    const snps = Math.floor((fields - 6) / 2);
    if (first !== undefined && snps !== panel.size)
      throw bad(
        `The file has ${snps} SNPs per sample, panel ${panel.label} has ${panel.size}: is this the right panel?`,
      );
    return;
  }
  if (format === "final_report") {
    const data = lines.findIndex((l) => /^\[Data\]/i.test(l.trim()));
    const at = lines.findIndex((l, i) => i > data && l.trim() !== "");
    if (data < 0 || at < 0) return;
    const headerRow = lines[at]!;
    const sep = headerRow.includes("\t") && headerRow.split("\t").length >= headerRow.split(",").length ? "\t" : ",";
    const cols = headerRow.split(sep).map((c) => c.trim().toLowerCase());
    // Long layout names the SNP in "SNP Name"; the matrix layout in its first column.
    const col = cols.includes("snp name") ? cols.indexOf("snp name") : cols.includes("sample id") ? -1 : 0;
    if (col < 0) return; // the reader names the missing column
    for (const line of lines.slice(at + 1)) {
      if (line.trim().startsWith("[")) break;
      const name = line.split(sep)[col]?.trim();
      if (name) names.add(name);
    }
  } else {
    const chrom = lines.findIndex((l) => l.startsWith("#CHROM"));
    if (chrom < 0) return;
    for (const line of lines.slice(chrom + 1)) {
      const f = line.split("\t");
      // Only biallelic SNP records are read (as the VCF reader does); unnamed ones are CHROM:POS.
      if (f.length < 5 || !/^[ACGT]$/i.test(f[3]!) || !/^[ACGT]$/i.test(f[4]!)) continue;
      names.add(f[2] && f[2] !== "." ? f[2] : `${f[0]}:${f[1]}`);
    }
  }
  let unknown = 0;
  for (const name of names) if (!panel.hasSnp(name)) unknown++;
  if (names.size > 0 && unknown > names.size * MAX_UNKNOWN_SNP_SHARE)
    throw bad(`${unknown} of ${names.size} SNPs in the file are not on panel ${panel.label}: is this the right panel?`);
}

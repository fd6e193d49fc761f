// Which genotype format a file is, decided from its first bytes — never from its name — and the
// refusals that need no parse: empty, binary, compressed, header without genotype rows, unknown.
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
  let text = new TextDecoder("latin1").decode(head);
  if (text.startsWith("\u00ef\u00bb\u00bf")) text = text.slice(3); // UTF-8 BOM read as latin1
  const lines = text.split(/\r?\n/);
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

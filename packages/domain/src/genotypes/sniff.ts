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
  const text = headText(head);
  // Read lazily: a 60K FinalReport's head is 100K+ lines and the answer lies in the first few.
  // The last line of an incomplete head may be cut short; it still proves a row starts there.
  const lines = linesFrom(text, 0, true);
  // (next() rather than for…of: leaving a for…of would close the generator.)
  const next = (): string | undefined => lines.next().value ?? undefined;
  const nonEmpty = (l: string) => l.trim() !== "";
  const first = next() ?? "";
  /** Reads on to the first line matching `test`; undefined at the end of the head. */
  const seek = (test: (l: string) => boolean) => {
    for (let l = next(); l !== undefined; l = next()) if (test(l)) return l;
    return undefined;
  };

  if (/^\[Header\]/i.test(first)) {
    if (seek((l) => /^\[Data\]/i.test(l.trim())) === undefined) {
      if (complete) throw bad("The FinalReport has a [Header] but no [Data] section: no genotypes to read");
      return "final_report";
    }
    next(); // the column header row
    if (complete && seek(nonEmpty) === undefined) throw bad("The FinalReport has only its header: no genotype rows");
    return "final_report";
  }

  if (/^##fileformat=VCF/i.test(first)) {
    const chrom = seek((l) => l.startsWith("#CHROM"));
    if (chrom === undefined) {
      if (complete) throw bad("The VCF has no #CHROM header line");
      return "vcf";
    }
    if (chrom.split("\t").length < 10) throw bad("The VCF has no sample columns: no genotypes to read");
    if (complete && seek(nonEmpty) === undefined) throw bad("The VCF has only its header: no genotype rows");
    return "vcf";
  }

  // PLINK .ped: FID IID father mother sex phenotype, then two alleles per SNP, whitespace-separated.
  for (let p = 0; p < text.length;) {
    const nl = text.indexOf("\n", p);
    const line = text.slice(p, nl < 0 ? text.length : nl);
    p = nl < 0 ? text.length : nl + 1;
    if (!nonEmpty(line)) continue;
    const fields = line.trim().split(/\s+/);
    const wholeLine = complete || nl >= 0;
    if (fields.length >= 8 && (!wholeLine || (fields.length - 6) % 2 === 0)) return "ped";
    break;
  }
  throw bad(
    "Unrecognised genotype file: expected an Illumina FinalReport ([Header] … [Data]), a VCF (##fileformat=VCF) or a PLINK .ped",
  );
}

function headText(head: Uint8Array): string {
  const text = new TextDecoder("latin1").decode(head);
  return text.startsWith("\u00ef\u00bb\u00bf") ? text.slice(3) : text; // UTF-8 BOM read as latin1
}

/** Above this share of the file's SNPs missing from the panel, the file is taken for another chip's. */
export const MAX_UNKNOWN_SNP_SHARE = 0.5;
/** Distinct SNP names the panel check looks at: plenty to tell a chip, cheap for a 60K file's head. */
export const PANEL_FIT_SNPS = 10_000;

/** The head's lines from offset `from`, lazily; an incomplete head's cut last line is left out. */
function* linesFrom(text: string, from: number, complete: boolean): Generator<string> {
  const end = complete ? text.length : text.lastIndexOf("\n") + 1;
  for (let p = from; p < end;) {
    let e = text.indexOf("\n", p);
    if (e < 0 || e > end) e = end;
    yield text.charCodeAt(e - 1) === 13 ? text.slice(p, e - 1) : text.slice(p, e);
    p = e + 1;
  }
}

/**
 * Refuses a file that does not fit the chosen panel, judged from the head the format was sniffed
 * from: most of its first PANEL_FIT_SNPS distinct SNP names not on the panel (FinalReport, VCF),
 * or a PLINK .ped with another SNP count. A few unknown SNPs pass; the reader ignores them (and the
 * ingest notes them on the sample results). `panel.label` is e.g. "Chip v1".
 */
export function checkPanelFit(
  head: Uint8Array,
  complete: boolean,
  format: GenotypeFileFormat,
  panel: { size: number; hasSnp: (name: string) => boolean; label: string },
): void {
  const text = headText(head);
  const names = new Set<string>();
  const lines = linesFrom(text, 0, complete);
  if (format === "ped") {
    for (const line of lines) {
      if (line.trim() === "") continue;
      const snps = Math.floor((line.trim().split(/\s+/).length - 6) / 2);
      if (snps !== panel.size)
        throw bad(
          `The file has ${snps} SNPs per sample, panel ${panel.label} has ${panel.size}: is this the right panel?`,
        );
      return;
    }
    return;
  }
  // Skip to the column header ([Data]'s next line) or the #CHROM line; then one SNP name per row.
  let nameOf: ((line: string) => string | undefined) | undefined;
  let inData = false;
  // Whether the names are only the file's first ones (a head, or the cap reached): the message says so.
  let firstOnly = !complete;
  for (const line of lines) {
    if (names.size >= PANEL_FIT_SNPS) {
      firstOnly = true;
      break;
    }
    if (nameOf) {
      if (line.startsWith("[")) break; // another FinalReport section
      const name = nameOf(line);
      if (name) names.add(name);
    } else if (format === "final_report") {
      if (!inData) inData = /^\[Data\]/i.test(line.trim());
      else if (line.trim() !== "") {
        const sep = line.includes("\t") && line.split("\t").length >= line.split(",").length ? "\t" : ",";
        const cols = line.split(sep).map((c) => c.trim().toLowerCase());
        // Long layout names the SNP in "SNP Name"; the matrix layout in its first column.
        const col = cols.includes("snp name") ? cols.indexOf("snp name") : cols.includes("sample id") ? -1 : 0;
        if (col < 0) return; // the reader names the missing column
        nameOf = (row) => field(row, sep, col)?.trim();
      }
    } else if (line.startsWith("#CHROM")) {
      // Only biallelic SNP records are read (as the VCF reader does); unnamed ones are CHROM:POS.
      nameOf = (row) => {
        const f = row.split("\t", 5);
        if (f.length < 5 || !/^[ACGT]$/i.test(f[3]!) || !/^[ACGT]$/i.test(f[4]!)) return undefined;
        return f[2] && f[2] !== "." ? f[2] : `${f[0]}:${f[1]}`;
      };
    }
  }
  let unknown = 0;
  for (const name of names) if (!panel.hasSnp(name)) unknown++;
  if (names.size > 0 && unknown > names.size * MAX_UNKNOWN_SNP_SHARE)
    throw bad(
      `${unknown} of ${firstOnly ? "the first " : ""}${names.size} SNPs in the file are not on panel ${panel.label}: is this the right panel?`,
    );
}

/** Field `col` of a separated line, without splitting the rest. */
function field(line: string, sep: string, col: number): string | undefined {
  let start = 0;
  for (let k = 0; k < col; k++) {
    const next = line.indexOf(sep, start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  const end = line.indexOf(sep, start);
  return end < 0 ? line.slice(start) : line.slice(start, end);
}

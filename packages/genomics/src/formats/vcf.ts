// VCF 4.x genotypes: the GT field of biallelic SNPs, phased or unphased. Other records (indels,
// multi-allelic sites, monomorphic ALT ".", records without GT) are skipped and counted. The
// panel's A allele is written as REF and B as ALT, so a genotype's B count is its ALT count.
import { bytesPerSample, transposeCodes, type PackedMatrix } from "../pack";
import { realignMatrix, SnpPanel, type SnpMarker } from "../panel";
import { chunksOf, LineBuffer, splitFields, text, type ByteSource } from "./bytes";
import { GenotypeFormatError } from "./errors";
import { sampleInfo, type SampleInfo } from "./plink-fam";

export interface VcfSkipCounts {
  indel: number;
  multiallelic: number;
  monomorphic: number;
  noGt: number;
  /** Records whose ID is not on the caller's panel. */
  notOnPanel: number;
}

export interface VcfData {
  panel: SnpPanel;
  samples: SampleInfo[];
  genotypes: PackedMatrix;
  /** Biallelic SNP records read. */
  nRecords: number;
  skipped: VcfSkipCounts;
  warnings: string[];
  /** Header meta lines (without the leading ##). */
  meta: string[];
}

export interface VcfReadOptions {
  /** Align the result to this panel by SNP ID (REF/ALT in the other order are mirrored; others missing). */
  readonly panel?: SnpPanel;
}

const TAB = 9;
const BASE = new Uint8Array(256);
for (const c of "ACGTacgt") BASE[c.charCodeAt(0)] = 1;

/** Reads a VCF into sample-major packed rows. SNP-major records are gathered packed, then transposed once. */
export async function readVcf(src: ByteSource, options: VcfReadOptions = {}): Promise<VcfData> {
  const lb = new LineBuffer();
  const meta: string[] = [];
  const warnings: string[] = [];
  const skipped: VcfSkipCounts = { indel: 0, multiallelic: 0, monomorphic: 0, noGt: 0, notOnPanel: 0 };
  let samples: SampleInfo[] | undefined;
  let nSamples = 0;
  let snpBytes = 0;
  let rows = new Uint8Array(0);
  let nRecords = 0;
  const markers: SnpMarker[] = [];
  const names = new Set<string>();
  let fields = new Int32Array(0);
  let sawFileformat = false;

  const line = (): void => {
    const d = lb.data;
    const s = lb.start;
    const e = lb.end;
    if (e === s) return;
    if (d[s] === 35 /* # */) {
      if (d[s + 1] === 35) {
        const m = text(d, s + 2, e);
        if (m.startsWith("fileformat=")) sawFileformat = true;
        meta.push(m);
        return;
      }
      const cols = text(d, s + 1, e).split("\t");
      if (!sawFileformat)
        throw new GenotypeFormatError(
          "BAD_HEADER",
          "VCF: missing ##fileformat line before the column header",
          lb.lineNo,
        );
      if (cols.length < 8 || cols[0] !== "CHROM")
        throw new GenotypeFormatError(
          "BAD_HEADER",
          "VCF: column header must start #CHROM POS ID REF ALT QUAL FILTER INFO",
          lb.lineNo,
        );
      if (cols.length < 10 || cols[8] !== "FORMAT") {
        throw new GenotypeFormatError(
          "NO_GT",
          "VCF has no FORMAT and sample columns, so no GT genotypes (a sites-only VCF)",
          lb.lineNo,
        );
      }
      const ids = cols.slice(9);
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id))
          throw new GenotypeFormatError("DUPLICATE_SAMPLE", `VCF: sample ${id} appears twice in the header`, lb.lineNo);
        seen.add(id);
      }
      samples = ids.map((id) => sampleInfo(id));
      nSamples = ids.length;
      snpBytes = bytesPerSample(nSamples);
      rows = new Uint8Array(Math.max(1, 1024 * snpBytes));
      fields = new Int32Array(2 * (nSamples + 9));
      return;
    }
    if (!samples)
      throw new GenotypeFormatError("BAD_HEADER", "VCF: data line before the #CHROM header line", lb.lineNo);
    const nf = splitFields(d, s, e, TAB, fields);
    if (nf < 0)
      throw new GenotypeFormatError("BINARY", "VCF: binary data (control byte) where text was expected", lb.lineNo);
    if (nf !== 9 + nSamples) {
      throw new GenotypeFormatError(
        lb.unterminated ? "TRUNCATED" : "BAD_ROW",
        `VCF: record has ${nf} columns, expected ${9 + nSamples}${lb.unterminated ? " (file truncated mid-row)" : ""}`,
        lb.lineNo,
      );
    }
    const refS = fields[6]!;
    const refE = fields[7]!;
    const altS = fields[8]!;
    const altE = fields[9]!;
    if (altE - altS === 1 && d[altS] === 46) {
      skipped.monomorphic++;
      return;
    }
    if (d.subarray(altS, altE).includes(44 /* , */)) {
      skipped.multiallelic++;
      return;
    }
    if (refE - refS !== 1 || altE - altS !== 1 || BASE[d[refS]!] !== 1 || BASE[d[altS]!] !== 1) {
      skipped.indel++;
      return;
    }
    // GT must be the first FORMAT key when present (VCF 4.x spec).
    const fs = fields[16]!;
    const fe = fields[17]!;
    if (!(d[fs] === 71 && d[fs + 1] === 84 && (fe - fs === 2 || d[fs + 2] === 58))) {
      skipped.noGt++;
      return;
    }
    const chrom = text(d, fields[0]!, fields[1]!);
    const position = Number(text(d, fields[2]!, fields[3]!));
    let name = text(d, fields[4]!, fields[5]!);
    if (name === "." || name === "") name = `${chrom}:${position}`;
    if (names.has(name)) {
      let k = 2;
      while (names.has(`${name}_${k}`)) k++;
      if (warnings.length < 20) warnings.push(`line ${lb.lineNo}: duplicate ID ${name} renamed ${name}_${k}`);
      name = `${name}_${k}`;
    }
    names.add(name);
    const a = String.fromCharCode(d[refS]!).toUpperCase();
    const b = String.fromCharCode(d[altS]!).toUpperCase();
    markers.push({ name, chrom, position, a, b });
    if ((nRecords + 1) * snpBytes > rows.length) {
      const bigger = new Uint8Array(rows.length * 2);
      bigger.set(rows);
      rows = bigger;
    }
    const base = nRecords * snpBytes;
    let byte = 0;
    for (let i = 0; i < nSamples; i++) {
      const p = fields[18 + 2 * i]!;
      const q = fields[19 + 2 * i]!;
      const code = gtCode(d, p, q);
      if (code < 0)
        throw new GenotypeFormatError(
          "BAD_ALLELE",
          `VCF: GT "${text(d, p, q).split(":")[0]}" of sample ${samples[i]!.iid} at ${name} is not a biallelic genotype`,
          lb.lineNo,
        );
      byte |= code << ((i & 3) << 1);
      if ((i & 3) === 3) {
        rows[base + (i >>> 2)] = byte;
        byte = 0;
      }
    }
    if ((nSamples & 3) !== 0) rows[base + (nSamples >>> 2)] = byte;
    nRecords++;
  };

  for await (const chunk of chunksOf(src)) {
    lb.push(chunk);
    while (lb.next()) line();
  }
  if (lb.finish()) line();
  if (lb.bytesRead === 0) throw new GenotypeFormatError("EMPTY", "VCF: file is empty");
  if (!samples) throw new GenotypeFormatError("BAD_HEADER", "VCF: no #CHROM header line");
  // Whatever the header declares, records without GT carry no genotypes: nothing to read.
  if (nRecords === 0 && skipped.noGt > 0)
    throw new GenotypeFormatError(
      "NO_GT",
      `VCF has no GT field: none of its ${skipped.noGt} records carries genotypes (FORMAT lists no GT)`,
    );
  const panel = new SnpPanel(markers);
  let genotypes: PackedMatrix = {
    nSamples,
    nSnps: nRecords,
    data: transposeCodes(rows, nRecords, nSamples, snpBytes),
  };
  let outPanel = panel;
  if (options.panel) {
    for (const m of markers) if (options.panel.indexOf(m.name) < 0) skipped.notOnPanel++;
    genotypes = realignMatrix(genotypes, panel, options.panel);
    outPanel = options.panel;
  }
  return { panel: outPanel, samples, genotypes, nRecords, skipped, warnings, meta };
}

/**
 * 2-bit code of a sample field's GT (text up to ':'): 0/0 -> 00, 0/1 and 1/0 -> 10, 1/1 -> 11,
 * any "." -> 01; a haploid call counts as homozygous. -1 when it is not a biallelic genotype.
 */
function gtCode(d: Uint8Array, p: number, q: number): number {
  let e = p;
  while (e < q && d[e] !== 58) e++;
  const len = e - p;
  if (len === 3) {
    const s = d[p + 1];
    if (s !== 47 && s !== 124) return -1;
    const x = d[p]!;
    const y = d[p + 2]!;
    if (x === 46 || y === 46) return 0b01;
    const cx = x - 48;
    const cy = y - 48;
    if (cx < 0 || cx > 1 || cy < 0 || cy > 1) return -1;
    return cx + cy === 0 ? 0b00 : cx + cy === 1 ? 0b10 : 0b11;
  }
  if (len === 1) {
    const x = d[p]!;
    return x === 46 ? 0b01 : x === 48 ? 0b00 : x === 49 ? 0b11 : -1;
  }
  return -1;
}

export interface VcfWriteOptions {
  /** Write GT as phased ("0|1"). The calls carry no phase, so this only changes the separator. Default false. */
  readonly phased?: boolean;
  readonly source?: string;
  /** SNPs per chunk. Default: about 4 MB of text per chunk. */
  readonly blockSnps?: number;
}

const GT_UNPHASED = ["0/0", "./.", "0/1", "1/1"].map((s) => [...s].map((c) => c.charCodeAt(0)));
const GT_PHASED = ["0|0", ".|.", "0|1", "1|1"].map((s) => [...s].map((c) => c.charCodeAt(0)));

/** Streams a VCF 4.2: header, then one record per SNP (REF = A allele, ALT = B allele, FORMAT GT). */
export function* writeVcf(
  panel: SnpPanel,
  samples: readonly SampleInfo[],
  genotypes: PackedMatrix,
  options: VcfWriteOptions = {},
): Generator<Uint8Array> {
  const n = panel.size;
  const ns = samples.length;
  if (genotypes.nSnps !== n) throw new RangeError(`writeVcf: matrix has ${genotypes.nSnps} SNPs, panel ${n}`);
  if (genotypes.nSamples !== ns)
    throw new RangeError(`writeVcf: matrix has ${genotypes.nSamples} samples, ${ns} sample records given`);
  for (const m of panel.markers) {
    if (!/^[ACGT]$/.test(m.a) || !/^[ACGT]$/.test(m.b))
      throw new RangeError(
        `writeVcf: SNP ${m.name} alleles ${m.a}/${m.b} are not nucleotides; VCF needs REF/ALT bases`,
      );
  }
  const enc = new TextEncoder();
  const contigs = [...new Set(panel.markers.map((m) => m.chrom))];
  const head = [
    "##fileformat=VCFv4.2",
    `##source=${options.source ?? "reprotech-genomics"}`,
    ...contigs.map((c) => `##contig=<ID=${c}>`),
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", ...samples.map((s) => s.iid)].join("\t"),
  ];
  yield enc.encode(head.join("\n") + "\n");
  const gt = options.phased ? GT_PHASED : GT_UNPHASED;
  const snpBytes = bytesPerSample(ns);
  const inStride = bytesPerSample(n);
  let block = options.blockSnps ?? Math.max(4, Math.floor((4 << 20) / (4 * ns + 64)));
  block = Math.max(4, block - (block & 3));
  const tr = new Uint8Array(block * snpBytes);
  for (let j0 = 0; j0 < n; j0 += block) {
    const nb = Math.min(block, n - j0);
    transposeCodes(genotypes.data.subarray(j0 >>> 2), ns, nb, inStride, tr, snpBytes);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let k = 0; k < nb; k++) {
      const m = panel.markers[j0 + k]!;
      const lead = enc.encode(`${m.chrom}\t${m.position}\t${m.name}\t${m.a}\t${m.b}\t.\tPASS\t.\tGT`);
      const line = new Uint8Array(lead.length + 4 * ns + 1);
      line.set(lead);
      let o = lead.length;
      const r = k * snpBytes;
      for (let i = 0; i < ns; i++) {
        const g = gt[(tr[r + (i >>> 2)]! >>> ((i & 3) << 1)) & 3]!;
        line[o] = TAB;
        line[o + 1] = g[0]!;
        line[o + 2] = g[1]!;
        line[o + 3] = g[2]!;
        o += 4;
      }
      line[o] = 10;
      parts.push(line);
      total += line.length;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    yield out;
  }
}

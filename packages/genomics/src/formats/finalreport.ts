// Illumina GenomeStudio FinalReport: a [Header] of key/value lines, then [Data] with a header
// row. Long layout: one row per SNP x sample, rows grouped by sample; the reader yields one
// packed sample at a time, so memory does not grow with the number of samples. Matrix layout
// (SNPs x samples, one genotype cell per sample) is read whole. Tab or comma separated
// (detected), CRLF/LF in any mix, columns found by name in any order. Works on bytes: one
// field split per row, SNPs matched by comparing bytes with the expected next name.
import {
  ALLELE_SET_LABEL,
  ALLELE_SETS,
  BAD_CALL,
  countFromAlleles,
  deriveAlleleSets,
  NORMALISE_ALLELE,
  parseSnpField,
  type AlleleSet,
} from "../alleles";
import { bytesPerSample, MISSING_BYTE, type PackedMatrix } from "../pack";
import { SnpPanel, type SnpMarker } from "../panel";
import { bytesEqual, chunksOf, LineBuffer, splitFields, text, type ByteSource } from "./bytes";
import { GenotypeFormatError } from "./errors";

export interface FinalReportOptions {
  /** Panel the rows are mapped onto by SNP name. Without one, the first sample's rows define it. */
  readonly panel?: SnpPanel;
  /** Allele columns to read. Default: AB when present, else Top, Forward, Plus, Design in that order. */
  readonly alleles?: AlleleSet;
  /** Calls with a GC Score below this become missing. Default 0.15. */
  readonly gcThreshold?: number;
  /** What to do with rows whose SNP is not on the panel: count them (default) or fail. */
  readonly unknownSnps?: "count" | "error";
  /**
   * A sample ID whose rows appear again after other samples' rows: fail (default), or yield it
   * again as a separate sample so the caller can report that sample and keep the others.
   */
  readonly duplicateSamples?: "error" | "keep";
  readonly layout?: "auto" | "long" | "matrix";
  /** Called after each input chunk with the bytes read so far. */
  readonly onProgress?: (bytesRead: number) => void;
}

export interface FinalReportSample {
  readonly sampleId: string;
  /** Packed B-allele counts in panel order; missing where the sample has no (usable) call. */
  readonly row: Uint8Array;
  /** Line of the sample's first row. */
  readonly line: number;
  /** Panel SNPs with a call. */
  readonly nCalled: number;
}

export interface FinalReportSummary {
  readonly header: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly layout: "long" | "matrix";
  readonly separator: "\t" | ",";
  readonly alleleSet: AlleleSet;
  readonly panel: SnpPanel;
  readonly nSamples: number;
  /** Rows whose SNP is not on the panel, and how many distinct such SNPs. */
  readonly unknownSnpRows: number;
  readonly unknownSnps: number;
  /** Distinct SNP names in the file, on the panel or not (with unknownSnps: how much of the file fits the panel). */
  readonly fileSnps: number;
  /** Calls whose letters are not the SNP's alleles in the chosen set (made missing). */
  readonly alleleMismatches: number;
  /** Calls made missing because the GC Score was below the threshold. */
  readonly lowGcCalls: number;
  readonly warnings: readonly string[];
  readonly bytesRead: number;
}

const SNP_INFO_COLUMNS = [
  "snp name",
  "snp index",
  "chr",
  "position",
  "snp",
  "ilmn strand",
  "customer strand",
  "top genomic sequence",
  "sample id",
  "sample index",
  "sample name",
];
const MAX_LINE = 64 << 20;
const TAB = 9;
const COMMA = 44;
const CODE_OF_COUNT = [0b00, 0b10, 0b11] as const;

function countSet(flags: Uint8Array): number {
  let n = 0;
  for (const f of flags) n += f;
  return n;
}

function lower(s: string): string {
  return s.trim().toLowerCase();
}

/** Parses a decimal such as 0.8234 from bytes without making a string (falls back for exotic forms). */
function parseDecimal(d: Uint8Array, s: number, e: number): number {
  let v = 0;
  let i = s;
  for (; i < e; i++) {
    const c = d[i]! - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (i < e && d[i] === 46) {
    let scale = 0.1;
    for (i++; i < e; i++) {
      const c = d[i]! - 48;
      if (c < 0 || c > 9) break;
      v += c * scale;
      scale *= 0.1;
    }
  }
  if (i === e && e > s) return v;
  return Number(text(d, s, e).trim() || "NaN");
}

/**
 * Streaming FinalReport reader. Iterate it for samples; `summary()` afterwards gives counts and
 * warnings (header counts that disagree with the data, samples with SNPs absent, and so on).
 */
export class FinalReportReader implements AsyncIterable<FinalReportSample> {
  private readonly lb = new LineBuffer();
  private readonly opts: FinalReportOptions;
  private readonly gcThreshold: number;
  private section: "none" | "header" | "data-head" | "data" | "other" = "none";
  private readonly header: Record<string, string> = {};
  private columns: string[] = [];
  private sep = -1;
  private layout: "long" | "matrix" = "long";
  private alleleSet: AlleleSet = "ab";
  private fields = new Int32Array(64);
  private sawHeaderSection = false;
  private sawDataSection = false;
  private dataRows = 0;
  private readonly warnings: string[] = [];
  private readonly out: FinalReportSample[] = [];
  // Column indices.
  private cSnp = -1;
  private cSample = -1;
  private cA1 = -1;
  private cA2 = -1;
  private cGc = -1;
  private cChr = -1;
  private cPos = -1;
  private cSnpAlleles = -1;
  private cIlmn = -1;
  private cCustomer = -1;
  private cTopSeq = -1;
  // Panel and allele tables; while `growing`, the first sample's rows are building the panel.
  private panel: SnpPanel | undefined;
  private growing = false;
  private markers: SnpMarker[] = [];
  private index = new Map<string, number>();
  /** SNP names as bytes, as SnpPanel.nameBytes lays them out: the panel's, or while `growing` those read so far. */
  private names: Uint8Array = new Uint8Array(0);
  private nameEnds: Uint32Array = new Uint32Array(0);
  private nNames = 0;
  private aTab: Uint8Array = new Uint8Array(1024);
  private bTab: Uint8Array = new Uint8Array(1024);
  // Current sample.
  private cur:
    | {
        id: string;
        idBytes: Uint8Array;
        line: number;
        codes: Uint8Array;
        rows: number;
        dup: number;
        mapped: number;
        /** Its ID had rows earlier in the file (a sample split in blocks). */
        repeat: boolean;
      }
    | undefined;
  private readonly seenSamples = new Set<string>();
  private lastIdx = -1;
  private nSamples = 0;
  private unknownSnpRows = 0;
  private readonly unknownNames = new Set<string>();
  private mismatches = 0;
  private lowGc = 0;
  private firstSampleRows = -1;
  /** The first sample's distinct panel SNPs and the panel index of its last one: what a whole sample ends with. */
  private firstSampleMapped = -1;
  private firstSampleLastIdx = -1;
  // Matrix layout.
  private matrixSamples: string[] = [];
  private matrixSampleCols: number[] = [];
  private matrixRows: Uint8Array[] = [];
  private matrixSeen: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly src: ByteSource,
    options: FinalReportOptions = {},
  ) {
    this.opts = options;
    this.gcThreshold = options.gcThreshold ?? 0.15;
    this.panel = options.panel;
  }

  get bytesRead(): number {
    return this.lb.bytesRead;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<FinalReportSample> {
    const lb = this.lb;
    for await (const chunk of chunksOf(this.src)) {
      lb.push(chunk);
      while (lb.next()) this.line();
      if (lb.pending > MAX_LINE)
        throw new GenotypeFormatError(
          "BINARY",
          `no line break in ${MAX_LINE >> 20} MB: not a FinalReport text file`,
          lb.lineNo + 1,
        );
      this.opts.onProgress?.(lb.bytesRead);
      if (this.out.length > 0) {
        yield* this.out;
        this.out.length = 0;
      }
    }
    if (lb.finish()) this.line();
    this.finish();
    if (this.out.length > 0) {
      yield* this.out;
      this.out.length = 0;
    }
  }

  summary(): FinalReportSummary {
    return {
      header: this.header,
      columns: this.columns,
      layout: this.layout,
      separator: this.sep === COMMA ? "," : "\t",
      alleleSet: this.alleleSet,
      panel: this.panelOrThrow(),
      nSamples: this.nSamples,
      unknownSnpRows: this.unknownSnpRows,
      unknownSnps: this.unknownNames.size,
      fileSnps: this.unknownNames.size + countSet(this.layout === "matrix" ? this.matrixSeen : this.present),
      alleleMismatches: this.mismatches,
      lowGcCalls: this.lowGc,
      warnings: this.warnings,
      bytesRead: this.lb.bytesRead,
    };
  }

  private panelOrThrow(): SnpPanel {
    if (!this.panel) throw new Error("FinalReport: no panel yet (read the file first)");
    return this.panel;
  }

  private warn(msg: string): void {
    if (this.warnings.length < 50) this.warnings.push(msg);
  }

  private error(code: ConstructorParameters<typeof GenotypeFormatError>[0], msg: string): GenotypeFormatError {
    return new GenotypeFormatError(code, `FinalReport: ${msg}`, this.lb.lineNo);
  }

  private line(): void {
    const lb = this.lb;
    const d = lb.data;
    const s = lb.start;
    const e = lb.end;
    if (this.section === "data") return this.dataLine(d, s, e);
    let t = s;
    while (t < e && (d[t] === 32 || d[t] === TAB || d[t] === COMMA)) t++;
    if (t === e) return;
    for (let i = s; i < e; i++) {
      const c = d[i]!;
      if (c < 9 || (c > 13 && c < 32)) throw this.error("BINARY", "binary data (control byte) where text was expected");
    }
    const raw = text(d, s, e);
    const trimmed = raw.replace(/[\t,]+$/, "").trim();
    if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
      const name = trimmed.toLowerCase();
      if (name === "[header]") {
        this.section = "header";
        this.sawHeaderSection = true;
      } else if (name === "[data]") {
        this.section = "data-head";
        this.sawDataSection = true;
      } else this.section = "other";
      return;
    }
    if (this.section === "header") {
      const m = /^([^\t,]*)[\t,](.*)$/.exec(raw);
      const key = (m ? m[1]! : raw).trim();
      const value = (m ? m[2]! : "").replace(/[\t,]+$/, "").trim();
      if (key) this.header[key] = value;
      return;
    }
    if (this.section === "data-head") return this.dataHeader(raw);
    if (this.section === "none") {
      throw this.error(
        this.lb.lineNo === 1 ? "BAD_HEADER" : "BAD_ROW",
        `expected [Header] or [Data], found "${trimmed.slice(0, 40)}" (not an Illumina FinalReport)`,
      );
    }
  }

  private dataHeader(raw: string): void {
    const tabs = raw.split("\t").length - 1;
    const commas = raw.split(",").length - 1;
    this.sep = tabs > 0 && tabs >= commas ? TAB : COMMA;
    this.columns = raw.split(this.sep === TAB ? "\t" : ",").map((c) => c.trim());
    this.fields = new Int32Array(2 * (this.columns.length + 1));
    const cols = this.columns.map(lower);
    const find = (name: string): number => cols.indexOf(name.toLowerCase());
    this.cSnp = find("SNP Name");
    this.cSample = find("Sample ID");
    this.cGc = find("GC Score");
    this.cChr = find("Chr");
    this.cPos = find("Position");
    this.cSnpAlleles = find("SNP");
    this.cIlmn = find("ILMN Strand");
    this.cCustomer = find("Customer Strand");
    this.cTopSeq = find("Top Genomic Sequence");
    const hasSet = (set: AlleleSet): boolean =>
      find(`Allele1 - ${ALLELE_SET_LABEL[set]}`) >= 0 && find(`Allele2 - ${ALLELE_SET_LABEL[set]}`) >= 0;
    const anyAllele = cols.some((c) => c.startsWith("allele1 - ") || c.startsWith("allele2 - "));
    const layout = this.opts.layout ?? "auto";
    this.layout = layout === "matrix" || (layout === "auto" && this.cSample < 0 && !anyAllele) ? "matrix" : "long";
    if (this.layout === "matrix") return this.matrixHeader(cols);

    const missing = (col: string): GenotypeFormatError =>
      this.error(
        "MISSING_COLUMN",
        `missing required column "${col}" in the [Data] header (columns: ${this.columns.join(", ")})`,
      );
    if (this.cSnp < 0) throw missing("SNP Name");
    if (this.cSample < 0) throw missing("Sample ID");
    const set = this.opts.alleles ?? ALLELE_SETS.find(hasSet);
    if (set === undefined) {
      // Name the partner of a half-present pair, else the AB pair.
      for (const s of ALLELE_SETS) {
        const l = ALLELE_SET_LABEL[s];
        if (find(`Allele1 - ${l}`) >= 0) throw missing(`Allele2 - ${l}`);
        if (find(`Allele2 - ${l}`) >= 0) throw missing(`Allele1 - ${l}`);
      }
      throw missing("Allele1 - AB");
    }
    for (const k of [1, 2])
      if (find(`Allele${k} - ${ALLELE_SET_LABEL[set]}`) < 0) throw missing(`Allele${k} - ${ALLELE_SET_LABEL[set]}`);
    this.alleleSet = set;
    this.cA1 = find(`Allele1 - ${ALLELE_SET_LABEL[set]}`);
    this.cA2 = find(`Allele2 - ${ALLELE_SET_LABEL[set]}`);
    if (this.cGc < 0) this.warn(`no "GC Score" column: no call is filtered by quality`);
    this.startPanel();
    this.section = "data";
  }

  private startPanel(): void {
    if (this.panel) {
      const t = this.panel.alleleTable(this.alleleSet);
      this.aTab = t.a;
      this.bTab = t.b;
      const names = this.panel.nameBytes();
      this.names = names.bytes;
      this.nameEnds = names.ends;
      this.nNames = names.ends.length;
      this.growing = false;
    } else {
      if (this.alleleSet !== "ab" && this.cSnpAlleles < 0) {
        throw this.error(
          "MISSING_COLUMN",
          `reading "${ALLELE_SET_LABEL[this.alleleSet]}" alleles needs a panel (manifest) or the "SNP" and "ILMN Strand" columns to tell A from B; pass options.panel or read the AB alleles`,
        );
      }
      this.growing = true;
    }
  }

  // ---- long layout ----

  private dataLine(d: Uint8Array, s: number, e: number): void {
    if (this.layout === "matrix") return this.matrixLine(d, s, e);
    const lb = this.lb;
    if (e === s) return;
    const f = this.fields;
    const nf = splitFields(d, s, e, this.sep, f);
    if (nf < 0) throw this.error("BINARY", "binary data (control byte) in a data row");
    const nCols = this.columns.length;
    if (nf !== nCols) {
      if (nf === 1 && f[1]! - f[0]! === 0) return; // blank line
      if (lb.unterminated && nf < nCols) throw this.error("TRUNCATED", `file ends mid-row: ${nf} of ${nCols} columns`);
      throw this.error("BAD_ROW", `row has ${nf} columns, the [Data] header has ${nCols}`);
    }
    this.dataRows++;
    const ss = f[2 * this.cSample]!;
    const se = f[2 * this.cSample + 1]!;
    let cur = this.cur;
    if (!cur || !bytesEqual(d, ss, se, cur.idBytes)) {
      this.endSample();
      const id = text(d, ss, se);
      if (id === "") throw this.error("BAD_ROW", "empty Sample ID");
      if (this.seenSamples.has(id) && this.opts.duplicateSamples !== "keep")
        throw this.error(
          "DUPLICATE_SAMPLE",
          `duplicate sample ID "${id}": its rows appear again after other samples' rows`,
        );
      const repeat = this.seenSamples.has(id);
      this.seenSamples.add(id);
      const n = this.growing ? 1024 : this.panel!.size;
      cur = this.cur = {
        id,
        idBytes: d.slice(ss, se),
        line: lb.lineNo,
        codes: new Uint8Array(n).fill(0b01),
        rows: 0,
        dup: 0,
        mapped: 0,
        repeat,
      };
      this.lastIdx = -1;
    }
    cur.rows++;
    // SNP index: the expected next one if its name matches byte for byte, else a lookup.
    const ns = f[2 * this.cSnp]!;
    const ne = f[2 * this.cSnp + 1]!;
    let j = this.lastIdx + 1;
    if (
      j >= this.nNames ||
      !bytesEqual(d, ns, ne, this.names, j === 0 ? 0 : this.nameEnds[j - 1]!, this.nameEnds[j]!)
    ) {
      const name = text(d, ns, ne);
      const k = this.index.get(name) ?? (this.panel ? this.panel.indexOf(name) : -1);
      if (k >= 0) j = k;
      else if (this.growing) j = this.addMarker(d, name, ns, ne);
      else {
        this.unknownSnpRows++;
        if (this.unknownNames.size < 1_000_000) this.unknownNames.add(name);
        if (this.opts.unknownSnps === "error") throw this.error("UNKNOWN_SNP", `SNP "${name}" is not on the panel`);
        return;
      }
    }
    this.lastIdx = j;
    if (j >= this.present.length) {
      const bigger = new Uint8Array(Math.max(1024, this.present.length * 2, j + 1));
      bigger.set(this.present);
      this.present = bigger;
    }
    this.present[j] = 1;
    if (j >= cur.codes.length) {
      const bigger = new Uint8Array(Math.max(cur.codes.length * 2, j + 1)).fill(0b01);
      bigger.set(cur.codes);
      cur.codes = bigger;
    }
    // Call.
    const a1s = f[2 * this.cA1]!;
    const a1e = f[2 * this.cA1 + 1]!;
    const a2s = f[2 * this.cA2]!;
    const a2e = f[2 * this.cA2 + 1]!;
    let code = 0b01;
    if (a1e - a1s === 1 && a2e - a2s === 1) {
      const x1 = NORMALISE_ALLELE[d[a1s]!]!;
      const x2 = NORMALISE_ALLELE[d[a2s]!]!;
      const c = countFromAlleles(x1, x2, this.aTab[j]!, this.bTab[j]!);
      if (c >= 0) {
        if (this.cGc >= 0 && parseDecimal(d, f[2 * this.cGc]!, f[2 * this.cGc + 1]!) < this.gcThreshold) this.lowGc++;
        else code = CODE_OF_COUNT[c as 0 | 1 | 2];
      } else if (c === BAD_CALL) this.mismatch(j, x1, x2);
    } else if (!(d[a1s] === 45 || d[a2s] === 45 || a1e === a1s || a2e === a2s)) {
      this.mismatch(j, 0, 0);
    }
    if (this.seenInSample(j)) cur.dup++;
    else cur.mapped++;
    cur.codes[j] = code;
  }

  /** present[j] = 1 once SNP j had a row in any sample. */
  private present = new Uint8Array(0);
  private seenEpoch = 1;
  private seenEpochs = new Uint32Array(0);

  /** True if SNP j already had a row in the current sample (epoch-stamped, no clearing per sample). */
  private seenInSample(j: number): boolean {
    if (j >= this.seenEpochs.length) {
      const bigger = new Uint32Array(Math.max(1024, this.seenEpochs.length * 2, j + 1));
      bigger.set(this.seenEpochs);
      this.seenEpochs = bigger;
    }
    const was = this.seenEpochs[j] === this.seenEpoch;
    this.seenEpochs[j] = this.seenEpoch;
    return was;
  }

  private mismatch(j: number, x1: number, x2: number): void {
    this.mismatches++;
    if (this.mismatches <= 10) {
      const name = this.markers[j]?.name ?? this.panel?.markers[j]?.name ?? String(j);
      const call = x1 ? `${String.fromCharCode(x1)}/${String.fromCharCode(x2)}` : "(not single letters)";
      const a = this.aTab[j] ? String.fromCharCode(this.aTab[j]!) : "?";
      const b = this.bTab[j] ? String.fromCharCode(this.bTab[j]!) : "?";
      this.warn(
        `line ${this.lb.lineNo}: ${ALLELE_SET_LABEL[this.alleleSet]} call ${call} at SNP ${name} is not its alleles ${a}/${b}; set missing`,
      );
    }
  }

  /** Appends a name to `names` (growing only), doubling the arrays as needed. */
  private appendName(name: Uint8Array): void {
    const from = this.nNames === 0 ? 0 : this.nameEnds[this.nNames - 1]!;
    if (from + name.length > this.names.length) {
      const bigger = new Uint8Array(Math.max(4096, 2 * this.names.length, from + name.length));
      bigger.set(this.names.subarray(0, from));
      this.names = bigger;
    }
    this.names.set(name, from);
    if (this.nNames === this.nameEnds.length) {
      const bigger = new Uint32Array(Math.max(1024, 2 * this.nameEnds.length));
      bigger.set(this.nameEnds);
      this.nameEnds = bigger;
    }
    this.nameEnds[this.nNames++] = from + name.length;
  }

  /** While the first sample defines the panel: adds the row's SNP with whatever SNP columns the file has. */
  private addMarker(d: Uint8Array, name: string, ns: number, ne: number): number {
    const f = this.fields;
    const col = (c: number): string | undefined => (c >= 0 ? text(d, f[2 * c]!, f[2 * c + 1]!).trim() : undefined);
    const design = col(this.cSnpAlleles) !== undefined ? parseSnpField(col(this.cSnpAlleles)!) : undefined;
    const ilmnStrand = col(this.cIlmn);
    const sets = design ? deriveAlleleSets({ design, ilmnStrand, sourceStrand: col(this.cCustomer) }) : undefined;
    const letters = sets?.top ?? sets?.design ?? (["A", "B"] as const);
    const pos = Number(col(this.cPos) ?? "0");
    const m: SnpMarker = {
      name,
      chrom: col(this.cChr) ?? "0",
      position: Number.isFinite(pos) ? pos : 0,
      a: letters[0],
      b: letters[1],
      design: sets?.design,
      top: sets?.top,
      forward: sets?.forward,
      ilmnStrand,
      sourceStrand: col(this.cCustomer),
      topGenomicSeq: col(this.cTopSeq),
    };
    const j = this.markers.length;
    this.markers.push(m);
    this.index.set(name, j);
    this.appendName(d.subarray(ns, ne));
    if (j >= this.aTab.length) {
      const a = new Uint8Array(this.aTab.length * 2);
      a.set(this.aTab);
      this.aTab = a;
      const b = new Uint8Array(this.bTab.length * 2);
      b.set(this.bTab);
      this.bTab = b;
    }
    const pair = this.alleleSet === "ab" ? (["A", "B"] as const) : sets?.[this.alleleSet];
    if (!pair)
      throw this.error(
        "MISSING_COLUMN",
        `cannot tell the ${ALLELE_SET_LABEL[this.alleleSet]} alleles of SNP ${name} from the file's SNP columns; pass options.panel`,
      );
    this.aTab[j] = NORMALISE_ALLELE[pair[0].charCodeAt(0)]!;
    this.bTab[j] = NORMALISE_ALLELE[pair[1].charCodeAt(0)]!;
    return j;
  }

  private endSample(): void {
    const cur = this.cur;
    if (!cur) return;
    this.cur = undefined;
    this.seenEpoch++;
    if (this.growing) {
      this.growing = false;
      this.panel = new SnpPanel(this.markers);
      this.index = new Map();
    }
    const n = this.panel!.size;
    const row = new Uint8Array(bytesPerSample(n));
    let called = 0;
    const codes = cur.codes;
    for (let j = 0; j < n; j++) {
      const c = codes[j]!;
      if (c !== 0b01) called++;
      row[j >>> 2]! |= c << ((j & 3) << 1);
    }
    if (this.firstSampleRows < 0) {
      this.firstSampleRows = cur.rows;
      this.firstSampleMapped = cur.mapped;
      this.firstSampleLastIdx = this.lastIdx;
    }
    if (cur.mapped < n)
      this.warn(
        `sample ${cur.id} (line ${cur.line}) has rows for ${cur.mapped} of the panel's ${n} SNPs: the rest are missing`,
      );
    if (cur.dup > 0)
      this.warn(`sample ${cur.id} (line ${cur.line}) has ${cur.dup} repeated SNP rows; the last row of each was kept`);
    this.nSamples++;
    this.out.push({ sampleId: cur.id, row, line: cur.line, nCalled: called });
  }

  private finish(): void {
    const lb = this.lb;
    if (lb.bytesRead === 0) throw new GenotypeFormatError("EMPTY", "FinalReport: file is empty");
    if (!this.sawDataSection) {
      throw new GenotypeFormatError(
        this.sawHeaderSection ? "NO_DATA" : "BAD_HEADER",
        this.sawHeaderSection
          ? "FinalReport: [Header] but no [Data] section (header-only file)"
          : "FinalReport: no [Header] or [Data] section",
        lb.lineNo,
      );
    }
    if (this.section === "data-head")
      throw new GenotypeFormatError("NO_DATA", "FinalReport: [Data] section has no header row and no data", lb.lineNo);
    if (this.layout === "matrix") this.finishMatrix();
    else {
      // A last row cut inside its last column still has every column; the file ending without a
      // newline while its last sample is short of the rows the first sample (or the header) had
      // gives the truncation away, so no partial sample is read as if it were whole. A file cut
      // right after a line break looks whole row by row; what gives it away is the last sample's
      // tail: it has fewer SNPs than the first sample and does not end on the first sample's last
      // SNP. (A sample whose rows were filtered in the middle still ends there; a repeated sample's
      // block is discarded by the caller anyway; a lone sample has only the header to go by, which
      // may be stale, so there it takes the missing newline.)
      const cur = this.cur;
      const fromFirst = this.firstSampleRows > 0;
      const expected = fromFirst ? this.firstSampleRows : Number(this.header["Num SNPs"]);
      if (lb.unterminated && cur && cur.rows < expected)
        throw this.error(
          "TRUNCATED",
          `file ends mid-row: sample ${cur.id} has ${cur.rows} rows, ${fromFirst ? "the first sample has" : "the header says Num SNPs"} ${expected}`,
        );
      if (
        fromFirst &&
        cur &&
        !cur.repeat &&
        cur.mapped < this.firstSampleMapped &&
        this.lastIdx !== this.firstSampleLastIdx
      )
        throw this.error(
          "TRUNCATED",
          `file ends inside the last sample: sample ${cur.id} has ${cur.mapped} of the first sample's ${this.firstSampleMapped} SNPs and stops before its last one (is the file cut short?)`,
        );
      this.endSample();
      if (this.dataRows === 0)
        throw new GenotypeFormatError("NO_DATA", "FinalReport: [Data] has a header row but no data rows", lb.lineNo);
    }
    const numSnps = Number(this.header["Num SNPs"]);
    const numSamples = Number(this.header["Num Samples"]);
    const perSample = this.layout === "long" ? this.firstSampleRows : this.panel!.size;
    if (this.header["Num SNPs"] !== undefined && numSnps !== perSample)
      this.warn(
        `header says Num SNPs ${this.header["Num SNPs"]}, the data has ${perSample} SNPs per sample; the data wins`,
      );
    if (this.header["Num Samples"] !== undefined && numSamples !== this.nSamples)
      this.warn(
        `header says Num Samples ${this.header["Num Samples"]}, the data has ${this.nSamples} samples; the data wins`,
      );
    if (this.unknownSnpRows > 0)
      this.warn(
        `${this.unknownSnpRows} rows (${this.unknownNames.size} distinct SNPs) name SNPs not on the panel; they were ignored`,
      );
    if (this.mismatches > 0)
      this.warn(
        `${this.mismatches} calls were not the SNP's ${ALLELE_SET_LABEL[this.alleleSet]} alleles and were set missing`,
      );
  }

  // ---- matrix layout: SNP rows, one genotype cell ("AB", "A/B", "--") per sample column ----

  private matrixHeader(cols: string[]): void {
    this.alleleSet = this.opts.alleles ?? "ab";
    this.cSnp = 0;
    for (let c = 1; c < cols.length; c++) {
      if (SNP_INFO_COLUMNS.includes(cols[c]!) || cols[c] === "gc score") continue;
      const id = this.columns[c]!;
      if (id === "") continue;
      if (this.matrixSamples.includes(id))
        throw this.error("DUPLICATE_SAMPLE", `duplicate sample ID "${id}" in the matrix header`);
      this.matrixSamples.push(id);
      this.matrixSampleCols.push(c);
    }
    if (this.matrixSamples.length === 0)
      throw this.error(
        "MISSING_COLUMN",
        `missing required column "Sample ID" (long layout) or sample columns (matrix layout) in the [Data] header`,
      );
    this.matrixRows = this.matrixSamples.map(() => new Uint8Array(256).fill(MISSING_BYTE));
    this.startPanel();
    this.section = "data";
  }

  private matrixLine(d: Uint8Array, s: number, e: number): void {
    if (e === s) return;
    const f = this.fields;
    const nf = splitFields(d, s, e, this.sep, f);
    if (nf < 0) throw this.error("BINARY", "binary data (control byte) in a data row");
    const nCols = this.columns.length;
    if (nf !== nCols) {
      if (this.lb.unterminated && nf < nCols)
        throw this.error("TRUNCATED", `file ends mid-row: ${nf} of ${nCols} columns`);
      throw this.error("BAD_ROW", `row has ${nf} columns, the [Data] header has ${nCols}`);
    }
    this.dataRows++;
    const name = text(d, f[0]!, f[1]!).trim();
    let j = this.growing ? (this.index.get(name) ?? -1) : this.panel!.indexOf(name);
    if (j < 0) {
      if (this.growing) j = this.addMarker(d, name, f[0]!, f[1]!);
      else {
        this.unknownSnpRows++;
        this.unknownNames.add(name);
        if (this.opts.unknownSnps === "error") throw this.error("UNKNOWN_SNP", `SNP "${name}" is not on the panel`);
        return;
      }
    }
    if (j >= this.matrixSeen.length) {
      const bigger = new Uint8Array(Math.max(1024, 2 * this.matrixSeen.length, j + 1));
      bigger.set(this.matrixSeen);
      this.matrixSeen = bigger;
    }
    if (this.matrixSeen[j] === 1) this.warn(`line ${this.lb.lineNo}: SNP ${name} appears again; the last row is kept`);
    this.matrixSeen[j] = 1;
    const a = this.aTab[j]!;
    const b = this.bTab[j]!;
    const byteIdx = j >>> 2;
    const shift = (j & 3) << 1;
    for (let k = 0; k < this.matrixSamples.length; k++) {
      const c = this.matrixSampleCols[k]!;
      const p = f[2 * c]!;
      const q = f[2 * c + 1]!;
      let code = 0b01;
      let x1 = 0;
      let x2 = 0;
      if (q - p === 2) {
        x1 = d[p]!;
        x2 = d[p + 1]!;
      } else if (q - p === 3 && (d[p + 1] === 47 || d[p + 1] === 32)) {
        x1 = d[p]!;
        x2 = d[p + 2]!;
      }
      if (x1 !== 0) {
        const cnt = countFromAlleles(NORMALISE_ALLELE[x1]!, NORMALISE_ALLELE[x2]!, a, b);
        if (cnt >= 0) code = CODE_OF_COUNT[cnt as 0 | 1 | 2];
        else if (cnt === BAD_CALL) this.mismatch(j, NORMALISE_ALLELE[x1]!, NORMALISE_ALLELE[x2]!);
      } else if (q > p && d[p] !== 45) this.mismatch(j, 0, 0);
      let row = this.matrixRows[k]!;
      if (byteIdx >= row.length) {
        const bigger = new Uint8Array(Math.max(row.length * 2, byteIdx + 1)).fill(MISSING_BYTE);
        bigger.set(row);
        this.matrixRows[k] = row = bigger;
      }
      row[byteIdx] = (row[byteIdx]! & ~(3 << shift)) | (code << shift);
    }
  }

  private finishMatrix(): void {
    if (this.dataRows === 0)
      throw new GenotypeFormatError("NO_DATA", "FinalReport: [Data] has a header row but no data rows", this.lb.lineNo);
    if (this.growing) {
      this.growing = false;
      this.panel = new SnpPanel(this.markers);
    }
    const n = this.panel!.size;
    const nb = bytesPerSample(n);
    let absent = 0;
    for (let j = 0; j < n; j++) if (this.matrixSeen[j] !== 1) absent++;
    if (absent > 0) this.warn(`${absent} panel SNPs have no row in the matrix: missing for every sample`);
    for (let k = 0; k < this.matrixSamples.length; k++) {
      const row = new Uint8Array(nb);
      row.set(this.matrixRows[k]!.subarray(0, nb));
      if ((n & 3) !== 0) row[nb - 1]! &= (1 << ((n & 3) << 1)) - 1;
      let called = 0;
      for (let j = 0; j < n; j++) if (((row[j >>> 2]! >>> ((j & 3) << 1)) & 3) !== 0b01) called++;
      this.nSamples++;
      this.out.push({ sampleId: this.matrixSamples[k]!, row, line: 0, nCalled: called });
    }
  }
}

export interface FinalReportData {
  readonly sampleIds: string[];
  readonly genotypes: PackedMatrix;
  readonly summary: FinalReportSummary;
}

/** Reads a whole FinalReport into a matrix (for files that fit; iterate FinalReportReader otherwise). */
export async function readFinalReport(src: ByteSource, options: FinalReportOptions = {}): Promise<FinalReportData> {
  const reader = new FinalReportReader(src, options);
  const rows: Uint8Array[] = [];
  const sampleIds: string[] = [];
  for await (const s of reader) {
    rows.push(s.row);
    sampleIds.push(s.sampleId);
  }
  const summary = reader.summary();
  const stride = bytesPerSample(summary.panel.size);
  const data = new Uint8Array(rows.length * stride);
  rows.forEach((r, i) => data.set(r, i * stride));
  return { sampleIds, genotypes: { nSamples: rows.length, nSnps: summary.panel.size, data }, summary };
}

/** The panel a FinalReport defines with its own SNP columns (reads only the first sample). */
export async function panelFromFinalReport(
  src: ByteSource,
  options: Omit<FinalReportOptions, "panel"> = {},
): Promise<SnpPanel> {
  const reader = new FinalReportReader(src, options);
  for await (const _ of reader) break;
  return reader.summary().panel;
}

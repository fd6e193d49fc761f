// PLINK text genotypes: .ped (six sample columns, then two allele columns per SNP) with .map.
// Alleles may be letters (ACGT), PLINK's numeric 1/2/3/4 (= A/C/G/T) or A/B; "0" is missing;
// space or tab separated. The reader works on bytes: it never makes a string per call.
import { NORMALISE_ALLELE, UPPERCASE_ALLELE } from "../alleles";
import { bytesPerSample, type PackedMatrix } from "../pack";
import { SnpPanel, type SnpMarker } from "../panel";
import { chunksOf, LineBuffer, readAllText, text, type ByteSource } from "./bytes";
import { GenotypeFormatError } from "./errors";
import { parseMap } from "./plink-map";
import { famLine, sampleFromFields, type SampleInfo } from "./plink-fam";

export interface PedReadOptions {
  /**
   * Panel in file order (from the .map, or a panel with allele letters). Where the panel knows a
   * SNP's A/B letters they decide the coding; where it does not, the first allele seen in the file
   * becomes A and the second B. A third allele is an error (or a mismatch with known letters).
   */
  readonly panel: SnpPanel;
  /** Read 1/2/3/4 as A/C/G/T (PLINK's numeric coding). Default true; set false for files whose alleles are digits on purpose. */
  readonly numericAlleles?: boolean;
}

export interface PedSample {
  readonly sample: SampleInfo;
  /** Packed B-allele counts in panel order (a fresh buffer per sample). */
  readonly row: Uint8Array;
  readonly line: number;
}

export interface PedSummary {
  readonly nSamples: number;
  /** The panel with the letters in force after reading (learned ones filled in). */
  readonly panel: SnpPanel;
  /** Calls whose letters were not the SNP's A or B (made missing). */
  readonly alleleMismatches: number;
  readonly warnings: readonly string[];
  readonly bytesRead: number;
}

/** Where one sample's packed row goes: bytes [at, at + bytesPerSample) of buf (every byte is written). */
export interface RowSlot {
  readonly buf: Uint8Array;
  readonly at: number;
}

const SPACE = 32;
const TAB = 9;
// code for a B-count of 0, 1, 2
const CODE = [0b00, 0b10, 0b11] as const;

/** Streaming .ped reader: one packed sample per line; memory does not grow with the number of samples. */
export class PedReader implements AsyncIterable<PedSample> {
  private readonly panel: SnpPanel;
  private readonly a: Uint8Array;
  private readonly b: Uint8Array;
  private readonly norm: Uint8Array;
  // Branch-free coding (random genotypes make compare-and-branch code mispredict constantly):
  // each allele byte maps to a small letter index (lidx: 0-3 letters, 4 = "0" missing, 5 = other,
  // 7 = control byte) and each SNP has a 16-bit mask with bit idx(A) and bit 8 + idx(B) set.
  // SNPs whose letters are not yet known (learned from the file) take the compare path (slow[j] = 1).
  private readonly lidx = new Uint8Array(256);
  private readonly letterOf: number[] = [];
  private readonly mask: Uint16Array;
  private readonly slow: Uint8Array;
  private readonly lines = new LineBuffer();
  private mismatches = 0;
  private nSamples = 0;
  private readonly warnings: string[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly src: ByteSource,
    options: PedReadOptions,
  ) {
    this.panel = options.panel;
    this.norm = options.numericAlleles === false ? UPPERCASE_ALLELE : NORMALISE_ALLELE;
    // Panel letters go through the same table as the file's; "0" or "" means unknown (e.g. a monomorphic SNP in a .bim).
    const n = options.panel.size;
    this.a = new Uint8Array(n);
    this.b = new Uint8Array(n);
    const letter = (x: string): number => (x.length === 1 && x !== "0" ? this.norm[x.charCodeAt(0) & 255]! : 0);
    for (let j = 0; j < n; j++) {
      const m = options.panel.markers[j]!;
      this.a[j] = letter(m.a);
      this.b[j] = letter(m.b);
    }
    // Letter indices: A C G T unless the panel uses other letters (A/B, 1/2); at most four.
    const used = new Set<number>();
    for (let j = 0; j < n; j++) {
      if (this.a[j]) used.add(this.a[j]!);
      if (this.b[j]) used.add(this.b[j]!);
    }
    const acgt = [65, 67, 71, 84];
    const letters = [...used].every((x) => acgt.includes(x)) ? acgt : [...used].slice(0, 4);
    this.letterOf.push(...letters);
    for (let x = 0; x < 256; x++) {
      const k = letters.indexOf(this.norm[x]!);
      this.lidx[x] = x === 48 ? 4 : x < 33 ? 7 : k >= 0 ? k : 5;
    }
    this.mask = new Uint16Array(n);
    this.slow = new Uint8Array(n);
    for (let j = 0; j < n; j++) this.setMask(j);
  }

  get bytesRead(): number {
    return this.lines.bytesRead;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<PedSample> {
    const stride = bytesPerSample(this.a.length);
    yield* this.parseInto(() => ({ buf: new Uint8Array(stride), at: 0 }));
  }

  /**
   * Parses every sample, writing its packed row to the slot `slot()` hands out (called once per
   * sample, after its six sample columns are read). readPed uses it to pack rows straight into the
   * matrix; the iterator hands out a fresh buffer per sample. The yielded `row` is the slot's buffer.
   */
  async *parseInto(slot: () => RowSlot): AsyncGenerator<PedSample & { readonly at: number }> {
    const lb = this.lines;
    const out: (PedSample & { readonly at: number })[] = [];
    for await (const chunk of chunksOf(this.src)) {
      lb.push(chunk);
      while (lb.next()) {
        const s = this.parseLine(slot);
        if (s) out.push(s);
      }
      if (out.length > 0) {
        yield* out;
        out.length = 0;
      }
    }
    if (lb.finish()) {
      const s = this.parseLine(slot);
      if (s) yield s;
    }
    if (this.nSamples === 0) throw new GenotypeFormatError("EMPTY", ".ped: no samples in file");
  }

  summary(): PedSummary {
    return {
      nSamples: this.nSamples,
      panel: this.learnedPanel(),
      alleleMismatches: this.mismatches,
      warnings: this.warnings,
      bytesRead: this.lines.bytesRead,
    };
  }

  private learnedPanel(): SnpPanel {
    const ms = this.panel.markers;
    let changed = false;
    const out: SnpMarker[] = ms.map((m, j) => {
      const a = this.a[j] ? String.fromCharCode(this.a[j]!) : "0";
      const b = this.b[j] ? String.fromCharCode(this.b[j]!) : "0";
      if (a === (m.a || "0") && b === (m.b || "0")) return m;
      changed = true;
      return { ...m, a, b };
    });
    return changed ? new SnpPanel(out) : this.panel;
  }

  private parseLine(slot: () => RowSlot): (PedSample & { readonly at: number }) | undefined {
    const lb = this.lines;
    const d = lb.data;
    const end = lb.end;
    let p = lb.start;
    while (p < end && (d[p] === SPACE || d[p] === TAB)) p++;
    if (p >= end || d[p] === 35 /* # */) return undefined;
    // Six sample columns.
    const f: string[] = [];
    while (f.length < 6 && p < end) {
      const s = p;
      while (p < end && d[p] !== SPACE && d[p] !== TAB) {
        const c = d[p]!;
        if (c < 9 || (c > 13 && c < 32))
          throw new GenotypeFormatError(
            "BINARY",
            ".ped: binary data (control byte) where text was expected",
            lb.lineNo,
          );
        p++;
      }
      f.push(text(d, s, p));
      while (p < end && (d[p] === SPACE || d[p] === TAB)) p++;
    }
    if (f.length < 6) {
      throw new GenotypeFormatError(
        lb.unterminated ? "TRUNCATED" : "BAD_ROW",
        `.ped: line has ${f.length} of the 6 sample columns${lb.unterminated ? " (file truncated?)" : ""}`,
        lb.lineNo,
      );
    }
    const sample = sampleFromFields(f, lb.lineNo);
    const key = `${sample.fid}\u0000${sample.iid}`;
    if (this.seen.has(key))
      throw new GenotypeFormatError(
        "DUPLICATE_SAMPLE",
        `.ped: sample ${sample.fid} ${sample.iid} appears twice`,
        lb.lineNo,
      );
    this.seen.add(key);

    const n = this.a.length;
    const { buf: row, at } = slot();
    const A = this.a;
    const B = this.b;
    const norm = this.norm;
    const lidx = this.lidx;
    const mask = this.mask;
    const slow = this.slow;
    let byte = 0;
    let j = 0;
    for (; j < n; j++) {
      // Two single-character allele tokens, each followed by blanks. Fast path: "x y " with single blanks.
      let x1raw: number;
      let x2raw: number;
      const s1 = d[p + 1];
      const s2 = d[p + 3];
      if (
        p + 3 < end &&
        (s1 === SPACE || s1 === TAB) &&
        (s2 === SPACE || s2 === TAB) &&
        d[p]! > SPACE &&
        d[p + 2]! > SPACE
      ) {
        x1raw = d[p]!;
        x2raw = d[p + 2]!;
        p += 4;
      } else {
        if (p >= end) break;
        x1raw = d[p]!;
        p++;
        if (p < end && d[p] !== SPACE && d[p] !== TAB) throw this.tokenError(j, p);
        while (p < end && (d[p] === SPACE || d[p] === TAB)) p++;
        if (p >= end) throw this.countError(j * 2 + 1);
        x2raw = d[p]!;
        p++;
        if (p < end && d[p] !== SPACE && d[p] !== TAB) throw this.tokenError(j, p);
        while (p < end && (d[p] === SPACE || d[p] === TAB)) p++;
      }
      let code: number;
      if (slow[j] === 0) {
        const i1 = lidx[x1raw]!;
        const i2 = lidx[x2raw]!;
        const m = mask[j]!;
        const b1 = (m >> (i1 + 8)) & 1;
        const b2 = (m >> (i2 + 8)) & 1;
        const v = (((m >> i1) & 1) | b1) & (((m >> i2) & 1) | b2);
        const c = b1 + b2;
        code = 1 + v * (c + ((c + 1) >> 1) - 1); // valid: 0 -> 00, 1 -> 10, 2 -> 11; else 01
        if (v === 0 && i1 !== 4 && i2 !== 4) {
          if (i1 === 7 || i2 === 7)
            throw new GenotypeFormatError(
              "BINARY",
              ".ped: binary data (control byte) where an allele was expected",
              lb.lineNo,
            );
          this.mismatch(j, norm[x1raw]!, norm[x2raw]!, A[j]!, B[j]!);
        }
      } else if (x1raw === 48 || x2raw === 48) code = 0b01;
      else {
        const x1 = norm[x1raw]!;
        const x2 = norm[x2raw]!;
        if (x1 < 33 || x2 < 33)
          throw new GenotypeFormatError(
            "BINARY",
            ".ped: binary data (control byte) where an allele was expected",
            lb.lineNo,
          );
        let a = A[j]!;
        let b = B[j]!;
        if (a === 0 || b === 0) {
          // Learn letters in order of appearance.
          if (x1 !== a && x1 !== b) {
            if (a === 0) A[j] = a = x1;
            else B[j] = b = x1;
          }
          if (x2 !== a && x2 !== b) {
            if (a === 0) A[j] = a = x2;
            else if (b === 0) B[j] = b = x2;
          }
          if (a !== 0 && b !== 0) this.setMask(j);
        }
        const c1 = x1 === a ? 0 : x1 === b ? 1 : 9;
        const c2 = x2 === a ? 0 : x2 === b ? 1 : 9;
        const c = c1 + c2;
        if (c > 2) {
          this.mismatch(j, x1, x2, a, b);
          code = 0b01;
        } else code = CODE[c as 0 | 1 | 2];
      }
      byte |= code << ((j & 3) << 1);
      if ((j & 3) === 3) {
        row[at + (j >>> 2)] = byte;
        byte = 0;
      }
    }
    if ((n & 3) !== 0) row[at + (n >>> 2)] = byte;
    if (j < n) throw this.countError(j * 2);
    if (p < end) {
      let extra = 0;
      while (p < end) {
        while (p < end && (d[p] === SPACE || d[p] === TAB)) p++;
        if (p < end) extra++;
        while (p < end && d[p] !== SPACE && d[p] !== TAB) p++;
      }
      if (extra > 0)
        throw new GenotypeFormatError(
          "BAD_ROW",
          `.ped: ${2 * n + extra} allele columns, expected ${2 * n} for ${n} SNPs in the .map`,
          lb.lineNo,
        );
    }
    this.nSamples++;
    return { sample, row, at, line: lb.lineNo };
  }

  /** Mask of SNP j from its letters, or the compare path when a letter is unknown or not indexed. */
  private setMask(j: number): void {
    const ia = this.letterOf.indexOf(this.a[j]!);
    const ib = this.letterOf.indexOf(this.b[j]!);
    if (ia < 0 || ib < 0) {
      this.slow[j] = 1;
      return;
    }
    this.slow[j] = 0;
    this.mask[j] = (1 << ia) | (1 << (8 + ib));
  }

  private mismatch(j: number, x1: number, x2: number, a: number, b: number): void {
    this.mismatches++;
    if (this.warnings.length < 20) {
      const name = this.panel.markers[j]!.name;
      this.warnings.push(
        `line ${this.lines.lineNo}: SNP ${name} call ${String.fromCharCode(x1)}/${String.fromCharCode(x2)} is not its alleles ${String.fromCharCode(a || 48)}/${String.fromCharCode(b || 48)}; set missing`,
      );
    }
  }

  private tokenError(j: number, p: number): GenotypeFormatError {
    const c = this.lines.data[p]!;
    if (c < 9 || (c > 13 && c < 32))
      return new GenotypeFormatError(
        "BINARY",
        ".ped: binary data (control byte) where text was expected",
        this.lines.lineNo,
      );
    return new GenotypeFormatError(
      "BAD_ALLELE",
      `.ped: allele of SNP ${this.panel.markers[j]!.name} is longer than one character (only SNP alleles are supported)`,
      this.lines.lineNo,
    );
  }

  private countError(found: number): GenotypeFormatError {
    const n = this.a.length;
    return new GenotypeFormatError(
      this.lines.unterminated ? "TRUNCATED" : "BAD_ROW",
      `.ped: ${found} allele columns, expected ${2 * n} for ${n} SNPs in the .map${this.lines.unterminated ? " (file truncated mid-row)" : ""}`,
      this.lines.lineNo,
    );
  }
}

export interface PedData {
  panel: SnpPanel;
  samples: SampleInfo[];
  genotypes: PackedMatrix;
  alleleMismatches: number;
  warnings: readonly string[];
}

/** readPed packs rows into blocks that grow with the file up to about this size. */
const BLOCK_BYTES = 4 << 20;

/**
 * Reads a whole .ped/.map pair into a matrix. `map` may be the .map text/bytes or a panel.
 * Memory: the packed matrix (2 bits a call) plus the reader's line buffer (longest line + one chunk).
 * Rows are packed straight into blocks (no buffer per sample) and the blocks copied once into the
 * exact-size matrix at the end, so the peak is at most about twice the packed output — a doubling
 * array and a final trim would need up to three times.
 */
export async function readPed(
  ped: ByteSource,
  map: ByteSource | SnpPanel,
  options: Omit<PedReadOptions, "panel"> = {},
): Promise<PedData> {
  const panel = map instanceof SnpPanel ? map : parseMap(await readAllText(map));
  const reader = new PedReader(ped, { ...options, panel });
  const stride = bytesPerSample(panel.size);
  const maxBlockRows = Math.max(64, Math.floor(BLOCK_BYTES / Math.max(1, stride)));
  const blocks: { buf: Uint8Array; rows: number }[] = [];
  let block = { buf: new Uint8Array(0), rows: 0 };
  let total = 0;
  const slot = (): RowSlot => {
    if ((block.rows + 1) * stride > block.buf.length) {
      // Next block: as many rows as read so far (at least 64, at most ~4 MB), so small files stay small.
      block = { buf: new Uint8Array(Math.min(maxBlockRows, Math.max(64, total)) * stride), rows: 0 };
      blocks.push(block);
    }
    total++;
    return { buf: block.buf, at: block.rows++ * stride };
  };
  const samples: SampleInfo[] = [];
  for await (const s of reader.parseInto(slot)) samples.push(s.sample);
  const data = new Uint8Array(samples.length * stride);
  let o = 0;
  for (let k = 0; k < blocks.length; k++) {
    const b = blocks[k]!;
    data.set(b.buf.subarray(0, b.rows * stride), o);
    o += b.rows * stride;
    blocks[k] = { buf: new Uint8Array(0), rows: 0 }; // let the block go as soon as it is copied
  }
  const sum = reader.summary();
  return {
    panel: sum.panel,
    samples,
    genotypes: { nSamples: samples.length, nSnps: panel.size, data },
    alleleMismatches: sum.alleleMismatches,
    warnings: sum.warnings,
  };
}

export interface PedWriteOptions {
  /** How alleles are written: the panel's letters (default), PLINK numeric 1-4, or A/B. */
  readonly alleles?: "letters" | "numeric" | "ab";
  readonly separator?: " " | "\t";
}

const NUMERIC: Record<string, string> = { A: "1", C: "2", G: "3", T: "4" };

/** Streams a .ped: one line per sample; "0 0" for missing calls. */
export function* writePed(
  panel: SnpPanel,
  samples: readonly SampleInfo[],
  genotypes: PackedMatrix,
  options: PedWriteOptions = {},
): Generator<Uint8Array> {
  const n = panel.size;
  if (genotypes.nSnps !== n) throw new RangeError(`writePed: matrix has ${genotypes.nSnps} SNPs, panel ${n}`);
  if (genotypes.nSamples !== samples.length)
    throw new RangeError(`writePed: matrix has ${genotypes.nSamples} samples, ${samples.length} sample records given`);
  const sep = (options.separator ?? " ").charCodeAt(0);
  const mode = options.alleles ?? "letters";
  const A = new Uint8Array(n);
  const B = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const m = panel.markers[j]!;
    const [a, b] =
      mode === "ab"
        ? ["A", "B"]
        : mode === "numeric"
          ? [NUMERIC[m.a] ?? "0", NUMERIC[m.b] ?? "0"]
          : [m.a || "0", m.b || "0"];
    if (a.length !== 1 || b.length !== 1)
      throw new RangeError(`writePed: SNP ${m.name} alleles ${a}/${b} are not single characters`);
    A[j] = a.charCodeAt(0);
    B[j] = b.charCodeAt(0);
  }
  const stride = bytesPerSample(n);
  const enc = new TextEncoder();
  const target = 1 << 20;
  let buf = new Uint8Array(Math.max(target, 4 * n + 1024));
  let len = 0;
  for (let i = 0; i < samples.length; i++) {
    const head = enc.encode(famLine(samples[i]!).replaceAll(" ", String.fromCharCode(sep)));
    const need = head.length + 4 * n + 1;
    if (len + need > buf.length) {
      if (len > 0) {
        yield buf.slice(0, len);
        len = 0;
      }
      if (need > buf.length) buf = new Uint8Array(need);
    }
    buf.set(head, len);
    len += head.length;
    const row = genotypes.data.subarray(i * stride, (i + 1) * stride);
    for (let j = 0; j < n; j++) {
      const code = (row[j >>> 2]! >>> ((j & 3) << 1)) & 3;
      const x1 = code === 0b01 ? 48 : code === 0b11 ? B[j]! : A[j]!;
      const x2 = code === 0b01 ? 48 : code === 0b00 ? A[j]! : B[j]!;
      buf[len] = sep;
      buf[len + 1] = x1;
      buf[len + 2] = sep;
      buf[len + 3] = x2;
      len += 4;
    }
    buf[len++] = 10;
  }
  if (len > 0) yield buf.slice(0, len);
}

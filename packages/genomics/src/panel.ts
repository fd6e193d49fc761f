// A SNP panel: the ordered markers every packed row refers to, with lookup by name and the
// per-allele-set letters needed to code calls. Re-alignment moves packed rows between panels.
import { ALLELE_SET_LABEL, alleleByte, type AllelePair, type AlleleSet } from "./alleles";
import { bytesPerSample, codeAt, type PackedMatrix } from "./pack";

export interface SnpMarker {
  readonly name: string;
  /** Chromosome as written in the source ("1".."29", "X", "0" for unplaced). */
  readonly chrom: string;
  /** Base-pair position (0 when unknown). */
  readonly position: number;
  /** Genetic position in centiMorgans when known (.map/.bim column 3). */
  readonly cm?: number | undefined;
  /** The A (first) allele as written to PLINK and VCF files: .bim column 5, VCF REF. */
  readonly a: string;
  /** The B (second) allele: .bim column 6, VCF ALT. Genotypes count this allele. */
  readonly b: string;
  /** Illumina allele sets as [A allele, B allele], when known. */
  readonly top?: AllelePair | undefined;
  readonly forward?: AllelePair | undefined;
  readonly plus?: AllelePair | undefined;
  readonly design?: AllelePair | undefined;
  readonly ilmnStrand?: string | undefined;
  readonly sourceStrand?: string | undefined;
  readonly refStrand?: string | undefined;
  readonly topGenomicSeq?: string | undefined;
}

/** Every SNP's name as UTF-8, end to end: name i is bytes[ends[i - 1] (0 for i = 0) .. ends[i]). */
export interface NameBytes {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** Byte codes of every SNP's A and B allele in one allele set (0 where the set is unknown). */
export interface AlleleTable {
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}

const AB: AllelePair = ["A", "B"];

export class SnpPanel {
  readonly markers: readonly SnpMarker[];
  private readonly byName = new Map<string, number>();
  private readonly tables = new Map<AlleleSet | "ab-letters", AlleleTable>();
  private names: NameBytes | undefined;

  constructor(markers: readonly SnpMarker[]) {
    this.markers = markers;
    for (let i = 0; i < markers.length; i++) {
      const name = markers[i]!.name;
      if (this.byName.has(name))
        throw new Error(
          `SNP panel: duplicate SNP name "${name}" at positions ${this.byName.get(name)! + 1} and ${i + 1}`,
        );
      this.byName.set(name, i);
    }
  }

  get size(): number {
    return this.markers.length;
  }

  /** Index of the SNP with this name, -1 when it is not on the panel. */
  indexOf(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  get(name: string): SnpMarker | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.markers[i];
  }

  marker(i: number): SnpMarker {
    const m = this.markers[i];
    if (m === undefined) throw new RangeError(`SNP panel: no marker at index ${i} (panel has ${this.markers.length})`);
    return m;
  }

  /** The allele pair a SNP has in an allele set, undefined when the panel does not know it. */
  pair(i: number, set: AlleleSet): AllelePair | undefined {
    const m = this.marker(i);
    return set === "ab" ? AB : m[set];
  }

  /**
   * Byte table of A/B letters for an allele set, built once. Throws naming the first SNP that
   * lacks the set, because coding such calls would be guesswork.
   */
  alleleTable(set: AlleleSet): AlleleTable {
    let t = this.tables.get(set);
    if (t) return t;
    const n = this.markers.length;
    const a = new Uint8Array(n);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = this.pair(i, set);
      if (!p) {
        throw new Error(
          `SNP panel has no ${ALLELE_SET_LABEL[set]} alleles for SNP "${this.markers[i]!.name}"; load the panel from the Illumina manifest or use the AB alleles`,
        );
      }
      a[i] = alleleByte(p[0]);
      b[i] = alleleByte(p[1]);
    }
    t = { a, b };
    this.tables.set(set, t);
    return t;
  }

  /**
   * The names as bytes, built once: a reader matches each row's SNP name against the expected SNP's
   * byte for byte. (Encoding 60K names anew for every file cost a one-animal parse ~50 ms; two flat
   * arrays, not an array per name, keep it off the garbage collector's books.)
   */
  nameBytes(): NameBytes {
    if (this.names) return this.names;
    const encoder = new TextEncoder();
    const n = this.markers.length;
    const buffer = new Uint8Array(3 * this.markers.reduce((sum, m) => sum + m.name.length, 0)); // UTF-8 ≤ 3 bytes per UTF-16 unit
    const ends = new Uint32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      at += encoder.encodeInto(this.markers[i]!.name, buffer.subarray(at)).written;
      ends[i] = at;
    }
    this.names = { bytes: buffer.slice(0, at), ends };
    return this.names;
  }

  /** Byte table of the panel's own A/B letters (the ones written to PLINK and VCF). */
  letterTable(): AlleleTable {
    let t = this.tables.get("ab-letters");
    if (t) return t;
    const n = this.markers.length;
    const a = new Uint8Array(n);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = alleleByte(this.markers[i]!.a);
      b[i] = alleleByte(this.markers[i]!.b);
    }
    t = { a, b };
    this.tables.set("ab-letters", t);
    return t;
  }
}

/** How to carry each SNP of a target panel over from a source panel. */
export interface PanelAlignment {
  /** For each target SNP the source index, -1 when the source panel lacks it. */
  readonly sourceIndex: Int32Array;
  /** 1 where the source's A/B letters are the target's B/A, so counts are mirrored (0 <-> 2). */
  readonly swap: Uint8Array;
  /** 1 where the letters are incompatible (neither same nor swapped): such calls become missing. */
  readonly conflict: Uint8Array;
  readonly nAbsent: number;
  readonly nSwapped: number;
  readonly nConflicts: number;
}

function known(x: string): boolean {
  return x !== "" && x !== "0" && x !== "N" && x !== ".";
}

function fit(x: string | null, y: string | null): boolean {
  return x === null || y === null || x === y;
}

/**
 * Matches a target panel's SNPs to a source panel by name. When the panels' letters for a SNP are
 * the same pair in the other order the counts are mirrored; unknown letters ("0", "") agree with
 * anything not contradicted by the other letter; any other disagreement (including a complemented
 * pair: strands are never guessed) marks the SNP as a conflict and its calls missing.
 */
export function alignPanels(from: SnpPanel, to: SnpPanel): PanelAlignment {
  const n = to.size;
  const sourceIndex = new Int32Array(n);
  const swap = new Uint8Array(n);
  const conflict = new Uint8Array(n);
  let nAbsent = 0;
  let nSwapped = 0;
  let nConflicts = 0;
  for (let j = 0; j < n; j++) {
    const t = to.markers[j]!;
    const s = from.indexOf(t.name);
    sourceIndex[j] = s;
    if (s < 0) {
      nAbsent++;
      continue;
    }
    const f = from.markers[s]!;
    const fa = known(f.a) ? f.a : null;
    const fb = known(f.b) ? f.b : null;
    const ta = known(t.a) ? t.a : null;
    const tb = known(t.b) ? t.b : null;
    // A letter known on one side only (e.g. a SNP monomorphic in a .ped) still decides the order.
    const sameOk = fit(fa, ta) && fit(fb, tb) && !(fa !== null && fa === tb) && !(fb !== null && fb === ta);
    if (sameOk) continue;
    const swapOk = fit(fa, tb) && fit(fb, ta) && !(fa !== null && fa === ta) && !(fb !== null && fb === tb);
    if (swapOk) {
      swap[j] = 1;
      nSwapped++;
    } else {
      conflict[j] = 1;
      nConflicts++;
    }
  }
  return { sourceIndex, swap, conflict, nAbsent, nSwapped, nConflicts };
}

/** 2-bit code after mirroring A and B: 00 <-> 11, het and missing unchanged. */
const SWAPPED_CODE = [0b11, 0b01, 0b10, 0b00] as const;

/** Re-aligns one packed row from the source panel's order to the target's (missing where absent). */
export function realignRow(row: Uint8Array, alignment: PanelAlignment, out?: Uint8Array): Uint8Array {
  const { sourceIndex, swap, conflict } = alignment;
  const n = sourceIndex.length;
  const dst = out ?? new Uint8Array(bytesPerSample(n));
  let byte = 0;
  for (let j = 0; j < n; j++) {
    const s = sourceIndex[j]!;
    let code = 0b01;
    if (s >= 0 && conflict[j] === 0) {
      code = codeAt(row, s);
      if (swap[j] === 1) code = SWAPPED_CODE[code as 0 | 1 | 2 | 3];
    }
    byte |= code << ((j & 3) << 1);
    if ((j & 3) === 3) {
      dst[j >>> 2] = byte;
      byte = 0;
    }
  }
  if ((n & 3) !== 0) dst[n >>> 2] = byte;
  return dst;
}

/** Re-aligns every row of a matrix from one panel to another by SNP name. */
export function realignMatrix(m: PackedMatrix, from: SnpPanel, to: SnpPanel): PackedMatrix {
  if (m.nSnps !== from.size)
    throw new RangeError(`realignMatrix: matrix has ${m.nSnps} SNPs, source panel ${from.size}`);
  const al = alignPanels(from, to);
  const inStride = bytesPerSample(m.nSnps);
  const outStride = bytesPerSample(to.size);
  const data = new Uint8Array(m.nSamples * outStride);
  for (let i = 0; i < m.nSamples; i++) {
    realignRow(
      m.data.subarray(i * inStride, (i + 1) * inStride),
      al,
      data.subarray(i * outStride, (i + 1) * outStride),
    );
  }
  return { nSamples: m.nSamples, nSnps: to.size, data };
}

// Genotype counts straight from a PLINK 1 .bed (SNP-major), without transposing to sample-major rows:
// what `plink2 --freq --missing` (and `--geno-counts`) report, in one streaming pass over the file.
//
// Each SNP row (ceil(nSamples / 4) bytes) is copied into a 4-byte aligned row of 32-bit words (16 calls a
// word; the padding calls of the last byte are masked to 0b00 so they cannot count) and then:
//  * per SNP: a 65,536-entry table gives, for 16 bits (8 calls), the number of missing (0b01), het (0b10)
//    and hom-B (0b11) codes packed in 10-bit fields of one integer; the fields are summed over at most 63
//    words (2 x 8 x 63 = 1008 < 1024) before they are unpacked, and hom A = nSamples - the other three;
//  * per sample: rows go three at a time; the three words' missing masks (one bit per call) add up in 2-bit
//    fields (<= 3), which are spread into two arrays of 4-bit counters (even and odd samples of a word,
//    <= 15 after five tiles of three rows) and then added into the per-sample totals.
// The file is read in blocks of rows; with `summarizeBedFile` the next block is read (on libuv's thread
// pool) while the current one is counted, so reading overlaps counting.
import { open } from "node:fs/promises";
import { chunksOf, type ByteSource } from "../formats/bytes";
import { GenotypeFormatError } from "../formats/errors";
import { bytesPerSample } from "../pack";
import type { SnpGenotypeCounts } from "./frequencies";

/** Per-sample missing counts over the SNPs of a .bed (what plink2 --missing reports as MISSING_CT). */
export interface SampleMissingCounts {
  readonly nSnps: number;
  readonly missing: Uint32Array;
}

export interface BedSummary {
  readonly snps: SnpGenotypeCounts;
  readonly samples: SampleMissingCounts;
}

export interface BedSummaryOptions {
  /** Approximate bytes of SNP rows counted per block (default 1 MiB). */
  readonly blockBytes?: number;
}

const M1 = 0x55555555;
const M2 = 0x33333333;
/** Words summed before the packed 10-bit per-SNP fields are unpacked (each word adds at most 16). */
const WORDS_PER_FLUSH = 63;
/** Tiles of three rows added into the 4-bit per-sample counters before they are emptied (5 x 3 = 15). */
const TILES_PER_FLUSH = 5;

let countTable: Uint32Array | undefined;
/** For a 16-bit value (8 codes): missing | het << 10 | homB << 20. */
function codeCountTable(): Uint32Array {
  if (countTable) return countTable;
  const byte = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    let packed = 0;
    for (let s = 0; s < 8; s += 2) {
      const code = (v >>> s) & 3;
      if (code !== 0) packed += 1 << (10 * (code - 1)); // 1 -> missing, 2 -> het, 3 -> homB
    }
    byte[v] = packed;
  }
  const t = new Uint32Array(65536);
  for (let hi = 0; hi < 256; hi++) {
    const h = byte[hi]!;
    const base = hi << 8;
    for (let lo = 0; lo < 256; lo++) t[base + lo] = h + byte[lo]!;
  }
  countTable = t;
  return t;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
  throw new Error("bed-summary: needs a little-endian platform");

/**
 * Counts SNP rows handed over in blocks. Rows in a block are `stride` bytes apart (a multiple of 4, at least
 * ceil(nSamples / 4)); the block is modified (padding calls cleared, rows past the end zeroed).
 */
export class BedCounter {
  readonly nSamples: number;
  readonly nSnps: number;
  /** Bytes of one SNP row in the .bed. */
  readonly rowBytes: number;
  /** Bytes between rows in the blocks given to countRows (rowBytes rounded up to a multiple of 4). */
  readonly stride: number;
  private readonly wordsPerRow: number;
  private readonly lastMask: number;
  private readonly missing: Uint32Array;
  private readonly het: Uint32Array;
  private readonly homB: Uint32Array;
  private readonly accEven: Int32Array;
  private readonly accOdd: Int32Array;
  private readonly sampleMissing: Uint32Array;
  private tiles = 0;
  private next = 0;

  constructor(nSamples: number, nSnps: number) {
    if (!Number.isInteger(nSamples) || nSamples < 0) throw new RangeError(`nSamples ${nSamples} is not a count`);
    if (!Number.isInteger(nSnps) || nSnps < 0) throw new RangeError(`nSnps ${nSnps} is not a count`);
    this.nSamples = nSamples;
    this.nSnps = nSnps;
    this.rowBytes = bytesPerSample(nSamples);
    this.wordsPerRow = (this.rowBytes + 3) >>> 2;
    this.stride = this.wordsPerRow * 4;
    const inLast = nSamples - 16 * (this.wordsPerRow - 1); // calls in the last word of a row (1..16)
    this.lastMask = inLast >= 16 ? -1 : (1 << (2 * inLast)) - 1;
    this.missing = new Uint32Array(nSnps);
    this.het = new Uint32Array(nSnps);
    this.homB = new Uint32Array(nSnps);
    this.accEven = new Int32Array(this.wordsPerRow);
    this.accOdd = new Int32Array(this.wordsPerRow);
    this.sampleMissing = new Uint32Array(this.wordsPerRow * 16);
  }

  /** SNP rows counted so far. */
  get snpsDone(): number {
    return this.next;
  }

  /** Counts the next nRows SNP rows held in `block` (rows `stride` bytes apart, block.byteOffset % 4 === 0). */
  countRows(block: Uint8Array, nRows: number): void {
    if (nRows === 0) return;
    if (this.next + nRows > this.nSnps)
      throw new RangeError(`BedCounter: ${this.next + nRows} rows exceed ${this.nSnps} SNPs`);
    if (block.byteOffset % 4 !== 0) throw new RangeError("BedCounter: block must start on a 4-byte boundary");
    const wpr = this.wordsPerRow;
    const tiled = Math.ceil(nRows / 3) * 3;
    if (block.length < tiled * this.stride)
      throw new RangeError(`BedCounter: block holds ${block.length} bytes, need ${tiled * this.stride}`);
    if (wpr === 0) {
      this.next += nRows;
      return;
    }
    const words = new Uint32Array(block.buffer, block.byteOffset, tiled * wpr);
    // Clear the padding calls of every row's last word and zero the rows that complete the last tile.
    const lastMask = this.lastMask;
    for (let r = 0, p = wpr - 1; r < nRows; r++, p += wpr) words[p] = words[p]! & lastMask;
    words.fill(0, nRows * wpr, tiled * wpr);

    const table = codeCountTable();
    const { missing, het, homB, accEven, accOdd } = this;
    const j0 = this.next;
    for (let r = 0; r < nRows; r += 3) {
      const p0 = r * wpr;
      const p1 = p0 + wpr;
      const p2 = p1 + wpr;
      let a0Miss = 0,
        a0Het = 0,
        a0HomB = 0;
      let a1Miss = 0,
        a1Het = 0,
        a1HomB = 0;
      let a2Miss = 0,
        a2Het = 0,
        a2HomB = 0;
      for (let w0 = 0; w0 < wpr; w0 += WORDS_PER_FLUSH) {
        const w1 = w0 + WORDS_PER_FLUSH < wpr ? w0 + WORDS_PER_FLUSH : wpr;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        for (let w = w0; w < w1; w++) {
          const x0 = words[p0 + w]!;
          const x1 = words[p1 + w]!;
          const x2 = words[p2 + w]!;
          a0 += table[x0 & 0xffff]! + table[x0 >>> 16]!;
          a1 += table[x1 & 0xffff]! + table[x1 >>> 16]!;
          a2 += table[x2 & 0xffff]! + table[x2 >>> 16]!;
          const m = (x0 & ~(x0 >>> 1) & M1) + (x1 & ~(x1 >>> 1) & M1) + (x2 & ~(x2 >>> 1) & M1);
          accEven[w] = accEven[w]! + (m & M2);
          accOdd[w] = accOdd[w]! + ((m >>> 2) & M2);
        }
        a0Miss += a0 & 1023;
        a0Het += (a0 >>> 10) & 1023;
        a0HomB += a0 >>> 20;
        a1Miss += a1 & 1023;
        a1Het += (a1 >>> 10) & 1023;
        a1HomB += a1 >>> 20;
        a2Miss += a2 & 1023;
        a2Het += (a2 >>> 10) & 1023;
        a2HomB += a2 >>> 20;
      }
      const j = j0 + r;
      missing[j] = a0Miss;
      het[j] = a0Het;
      homB[j] = a0HomB;
      if (r + 1 < nRows) {
        missing[j + 1] = a1Miss;
        het[j + 1] = a1Het;
        homB[j + 1] = a1HomB;
      }
      if (r + 2 < nRows) {
        missing[j + 2] = a2Miss;
        het[j + 2] = a2Het;
        homB[j + 2] = a2HomB;
      }
      if (++this.tiles === TILES_PER_FLUSH) this.flushSamples();
    }
    this.next += nRows;
  }

  private flushSamples(): void {
    this.tiles = 0;
    const { accEven, accOdd, sampleMissing } = this;
    for (let w = 0; w < accEven.length; w++) {
      const e = accEven[w]!;
      const o = accOdd[w]!;
      if ((e | o) === 0) continue;
      accEven[w] = 0;
      accOdd[w] = 0;
      const base = w << 4;
      for (let k = 0; k < 8; k++) {
        sampleMissing[base + 2 * k] = sampleMissing[base + 2 * k]! + ((e >>> (4 * k)) & 15);
        sampleMissing[base + 2 * k + 1] = sampleMissing[base + 2 * k + 1]! + ((o >>> (4 * k)) & 15);
      }
    }
  }

  /** The counts, once all nSnps rows have been counted. */
  finish(): BedSummary {
    if (this.next !== this.nSnps) throw new RangeError(`BedCounter: ${this.next} of ${this.nSnps} SNP rows counted`);
    this.flushSamples();
    const { nSamples, nSnps, missing, het, homB } = this;
    const hom0 = new Uint32Array(nSnps);
    for (let j = 0; j < nSnps; j++) hom0[j] = nSamples - missing[j]! - het[j]! - homB[j]!;
    return {
      snps: { nSnps, nSamples, hom0, het, hom2: homB, missing },
      samples: { nSnps, missing: this.sampleMissing.slice(0, nSamples) },
    };
  }
}

function rowsPerBlock(stride: number, blockBytes: number | undefined): number {
  const rows = Math.floor((blockBytes ?? 1 << 20) / Math.max(1, stride));
  return Math.max(3, rows - (rows % 3));
}

function checkMagic(h: Uint8Array): void {
  if (h[0] !== 0x6c || h[1] !== 0x1b)
    throw new GenotypeFormatError(
      "BAD_HEADER",
      `.bed: not a PLINK 1 .bed file (magic bytes ${[...h].map((x) => x.toString(16)).join(" ")})`,
    );
  if (h[2] !== 0x01)
    throw new GenotypeFormatError(
      "BAD_HEADER",
      ".bed: sample-major (individual-major) mode is not supported; re-create it with plink --make-bed",
    );
}

function sizeError(have: number, expected: number, nSamples: number, nSnps: number): GenotypeFormatError {
  if (have === 0) return new GenotypeFormatError("EMPTY", ".bed: file is empty");
  if (have < 3) return new GenotypeFormatError("TRUNCATED", ".bed: file ends inside the magic bytes");
  if (have > expected)
    return new GenotypeFormatError(
      "SIZE_MISMATCH",
      `.bed: file is longer than ${expected} bytes expected for ${nSnps} SNPs x ${nSamples} samples (wrong .bim/.fam?)`,
    );
  return new GenotypeFormatError(
    "TRUNCATED",
    `.bed: file has ${have} bytes, expected ${expected} for ${nSnps} SNPs x ${nSamples} samples (truncated, or wrong .bim/.fam)`,
  );
}

/**
 * Per-SNP genotype counts and per-sample missing counts of a SNP-major PLINK 1 .bed (magic bytes
 * included), streamed block by block: memory is one block plus the counts, whatever the file size.
 * Same counts as summarizeGenotypes on the matrix readBed would return, without building that matrix.
 */
export async function summarizeBed(
  src: ByteSource,
  nSamples: number,
  nSnps: number,
  options: BedSummaryOptions = {},
): Promise<BedSummary> {
  const counter = new BedCounter(nSamples, nSnps);
  const { rowBytes, stride } = counter;
  const blockRows = rowsPerBlock(stride, options.blockBytes);
  const block = new Uint8Array(blockRows * stride);
  const expected = 3 + nSnps * rowBytes;
  const header = new Uint8Array(3);
  let offset = 0;
  let rows = 0; // complete rows in block
  let inRow = 0; // bytes of the current row
  for await (const chunk of chunksOf(src)) {
    let p = 0;
    if (offset < 3) {
      while (offset < 3 && p < chunk.length) header[offset++] = chunk[p++]!;
      if (offset === 3) checkMagic(header);
    }
    if (offset + (chunk.length - p) > expected) throw sizeError(offset + chunk.length - p, expected, nSamples, nSnps);
    while (p < chunk.length) {
      const take = Math.min(chunk.length - p, rowBytes - inRow);
      block.set(chunk.subarray(p, p + take), rows * stride + inRow);
      p += take;
      offset += take;
      inRow += take;
      if (inRow === rowBytes) {
        inRow = 0;
        if (++rows === blockRows) {
          counter.countRows(block, rows);
          rows = 0;
        }
      }
    }
  }
  if (offset !== expected) throw sizeError(offset, expected, nSamples, nSnps);
  if (rowBytes === 0)
    counter.countRows(block, nSnps); // no samples: every row is empty
  else counter.countRows(block, rows);
  return counter.finish();
}

/**
 * summarizeBed for a .bed on disk. Blocks of rows are read with positioned reads, the next one while the
 * current one is counted. The file size is checked against nSamples x nSnps before any counting.
 */
export async function summarizeBedFile(
  path: string,
  nSamples: number,
  nSnps: number,
  options: BedSummaryOptions = {},
): Promise<BedSummary> {
  const counter = new BedCounter(nSamples, nSnps);
  const { rowBytes, stride } = counter;
  const expected = 3 + nSnps * rowBytes;
  const fh = await open(path, "r");
  let pending: Promise<number> | undefined;
  try {
    const size = (await fh.stat()).size;
    const header = new Uint8Array(3);
    if (size >= 3) await fh.read(header, 0, 3, 0);
    if (size >= 3) checkMagic(header);
    if (size !== expected) throw sizeError(size, expected, nSamples, nSnps);
    const blockRows = rowsPerBlock(stride, options.blockBytes);
    // Rows that are already a multiple of 4 bytes are read straight into the counted block; others are
    // read into a staging buffer and copied row by row.
    const direct = stride === rowBytes;
    const blocks = [new Uint8Array(blockRows * stride), new Uint8Array(blockRows * stride)];
    const staging = direct ? undefined : [new Uint8Array(blockRows * rowBytes), new Uint8Array(blockRows * rowBytes)];
    const readBlock = async (k: number, j0: number): Promise<number> => {
      const nb = Math.min(blockRows, nSnps - j0);
      const dst = direct ? blocks[k]! : staging![k]!;
      const want = nb * rowBytes;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(dst, got, want - got, 3 + j0 * rowBytes + got);
        if (bytesRead === 0)
          throw new GenotypeFormatError("TRUNCATED", `.bed: file ended early (changed while reading?)`);
        got += bytesRead;
      }
      return nb;
    };
    let k = 0;
    pending = nSnps > 0 ? readBlock(0, 0) : undefined;
    for (let j0 = 0; pending; j0 += blockRows, k ^= 1) {
      const nb = await pending;
      pending = j0 + blockRows < nSnps ? readBlock(k ^ 1, j0 + blockRows) : undefined;
      const block = blocks[k]!;
      if (!direct) {
        const src = staging![k]!;
        for (let r = 0; r < nb; r++) block.set(src.subarray(r * rowBytes, (r + 1) * rowBytes), r * stride);
      }
      counter.countRows(block, nb);
    }
  } finally {
    // A read still in flight (counting threw) must finish before the file is closed.
    if (pending) await pending.catch(() => 0);
    await fh.close();
  }
  return counter.finish();
}

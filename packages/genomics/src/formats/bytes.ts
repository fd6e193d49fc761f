// Byte-level input plumbing shared by the text readers: any byte source becomes a stream of
// chunks, a LineBuffer hands out complete lines as [start, end) ranges of one reusable buffer,
// and helpers split fields without making strings.
import { GenotypeFormatError } from "./errors";

/** Anything bytes can come from: a whole buffer or string, a WHATWG ReadableStream, a Node Readable, an (async) iterable of chunks. */
export type ByteSource =
  Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

const encoder = new TextEncoder();
const CHUNK = 1 << 20;

export async function* chunksOf(src: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof src === "string") src = encoder.encode(src);
  if (src instanceof Uint8Array) {
    for (let i = 0; i < src.length; i += CHUNK) yield src.subarray(i, Math.min(src.length, i + CHUNK));
    return;
  }
  if (typeof (src as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (src as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.length > 0) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of src as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === "string") yield encoder.encode(chunk);
    else if (chunk.length > 0) yield chunk;
  }
}

/** Concatenates chunks (e.g. a writer's output) into one buffer. */
export function concatBytes(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks];
  let n = 0;
  for (const c of list) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of list) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Reads a whole byte source into memory (for small side files such as .bim/.fam/.map). */
export async function readAllBytes(src: ByteSource): Promise<Uint8Array> {
  if (src instanceof Uint8Array) return src;
  if (typeof src === "string") return encoder.encode(src);
  const list: Uint8Array[] = [];
  for await (const c of chunksOf(src)) list.push(c.slice());
  return concatBytes(list);
}

export async function readAllText(src: ByteSource): Promise<string> {
  if (typeof src === "string") return src;
  return new TextDecoder().decode(await readAllBytes(src));
}

const GZIP0 = 0x1f;
const GZIP1 = 0x8b;

/**
 * Accumulates chunks and hands out complete lines. After `next()` returns true the line is
 * `data[start, end)` with any trailing CR removed (so CRLF, LF and mixes of both work), and
 * `lineNo` is its 1-based number. The buffer only grows to the longest line plus one chunk.
 */
export class LineBuffer {
  data = new Uint8Array(1 << 16);
  start = 0;
  end = 0;
  lineNo = 0;
  /** True when the line just returned was the file's last and had no newline. */
  unterminated = false;
  bytesRead = 0;
  private len = 0;
  private pos = 0;
  private scanFrom = 0;

  push(chunk: Uint8Array): void {
    if (this.bytesRead === 0 && chunk.length >= 2 && chunk[0] === GZIP0 && chunk[1] === GZIP1) {
      throw new GenotypeFormatError(
        "COMPRESSED",
        "input is gzip-compressed; decompress it first (e.g. pipe through zlib.createGunzip())",
        1,
      );
    }
    this.bytesRead += chunk.length;
    if (this.len + chunk.length > this.data.length) {
      const keep = this.len - this.pos;
      if (keep + chunk.length > this.data.length) {
        let cap = this.data.length;
        while (cap < keep + chunk.length) cap *= 2;
        const bigger = new Uint8Array(cap);
        bigger.set(this.data.subarray(this.pos, this.len));
        this.data = bigger;
      } else {
        this.data.copyWithin(0, this.pos, this.len);
      }
      this.scanFrom -= this.pos;
      this.len = keep;
      this.pos = 0;
    }
    this.data.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** Bytes buffered that are not yet part of a returned line. */
  get pending(): number {
    return this.len - this.pos;
  }

  /** Next complete line; false when more input is needed. */
  next(): boolean {
    const nl = this.data.indexOf(10, this.scanFrom);
    if (nl < 0 || nl >= this.len) {
      this.scanFrom = this.len;
      return false;
    }
    this.start = this.pos;
    this.end = nl > this.pos && this.data[nl - 1] === 13 ? nl - 1 : nl;
    this.pos = nl + 1;
    this.scanFrom = this.pos;
    this.lineNo++;
    this.unterminated = false;
    return true;
  }

  /** At end of input: the last line if it had no newline. */
  finish(): boolean {
    if (this.pos >= this.len) return false;
    this.start = this.pos;
    this.end = this.data[this.len - 1] === 13 ? this.len - 1 : this.len;
    this.pos = this.len;
    this.scanFrom = this.len;
    this.lineNo++;
    this.unterminated = true;
    return true;
  }
}

/**
 * Splits data[start, end) at `sep` into [begin, end) pairs in `out` (2 entries per field) and
 * returns the field count, or -1 when the line holds a control byte that no text file has
 * (binary garbage). With `sep` = -1 any run of spaces/tabs separates and leading/trailing
 * blanks are ignored (PLINK text files).
 */
export function splitFields(
  data: Uint8Array,
  start: number,
  end: number,
  sep: number,
  out: Int32Array,
  maxFields = out.length >>> 1,
): number {
  let n = 0;
  if (sep >= 0) {
    let b = start;
    for (let i = start; i < end; i++) {
      const c = data[i]!;
      if (c === sep) {
        if (n < maxFields) {
          out[2 * n] = b;
          out[2 * n + 1] = i;
        }
        n++;
        b = i + 1;
      } else if (c < 9 || (c > 13 && c < 32)) return -1;
    }
    if (n < maxFields) {
      out[2 * n] = b;
      out[2 * n + 1] = end;
    }
    return n + 1;
  }
  let i = start;
  while (i < end) {
    while (i < end && (data[i] === 32 || data[i] === 9)) i++;
    if (i >= end) break;
    const b = i;
    while (i < end) {
      const c = data[i]!;
      if (c === 32 || c === 9) break;
      if (c < 9 || (c > 13 && c < 32)) return -1;
      i++;
    }
    if (n < maxFields) {
      out[2 * n] = b;
      out[2 * n + 1] = i;
    }
    n++;
  }
  return n;
}

/** True when data[start, end) has a control byte no text file contains. */
export function hasBinary(data: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = data[i]!;
    if (c < 9 || (c > 13 && c < 32)) return true;
  }
  return false;
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** Decodes data[start, end) as UTF-8 (IDs and names). */
export function text(data: Uint8Array, start: number, end: number): string {
  // Short ASCII strings are faster by hand than through TextDecoder.
  if (end - start <= 24) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = data[i]!;
      if (c >= 128) return utf8.decode(data.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(data.subarray(start, end));
}

export function latin1Text(data: Uint8Array, start: number, end: number): string {
  return latin1.decode(data.subarray(start, end));
}

/** Parses a decimal number from bytes; NaN if it is not one. */
export function parseNumber(data: Uint8Array, start: number, end: number): number {
  return Number(text(data, start, end).trim() || "x");
}

/** Whether data[start, end) holds the same bytes as key[keyStart, keyEnd) (the whole key by default). */
export function bytesEqual(
  data: Uint8Array,
  start: number,
  end: number,
  key: Uint8Array,
  keyStart = 0,
  keyEnd = key.length,
): boolean {
  if (end - start !== keyEnd - keyStart) return false;
  for (let i = 0; i < keyEnd - keyStart; i++) if (data[start + i] !== key[keyStart + i]) return false;
  return true;
}

/** Collects text chunks into ~1 MB byte chunks for streaming writers. */
export class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly limit = 1 << 20) {}
  /** Adds text; returns a chunk when enough has gathered. */
  add(s: string): Uint8Array | undefined {
    this.parts.push(s);
    this.size += s.length;
    return this.size >= this.limit ? this.flush() : undefined;
  }
  flush(): Uint8Array | undefined {
    if (this.parts.length === 0) return undefined;
    const out = encoder.encode(this.parts.join(""));
    this.parts = [];
    this.size = 0;
    return out;
  }
}

export function encodeText(s: string): Uint8Array {
  return encoder.encode(s);
}

// A reader of `COPY … TO STDOUT (FORMAT binary)` output for rows of a few text columns followed by one
// bytea of fixed length (a packed genotype), which it copies straight from the socket's chunks into
// one SharedArrayBuffer — the page a kernel thread scores.
// Hand-written because the general reader (pg-copy-streams-binary's rowReader) spent ~1.9 s of CPU
// per 150 MB (10,000 animals × 60K SNPs, bench:gbv): it buffers and slices every field and builds an
// object per row. The format is small and fixed (PostgreSQL docs, "COPY — Binary Format"): an
// 11-byte signature, 32-bit flags and header-extension length, then per tuple a 16-bit field count
// (-1 ends the data) and per field a 32-bit length (-1 for NULL) and its bytes, all big-endian.

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

export interface PackedRows {
  /** texts[c][r]: text column c of row r. */
  texts: string[][];
  /**
   * rows × stride bytes, row r at r × stride, at the start of a SharedArrayBuffer (a page's room:
   * the last page's buffer is longer than its rows).
   */
  data: Uint8Array;
  rows: number;
}

/**
 * Page buffers a reader reuses once its consumer hands them back (give), so that reading many pages
 * touches the memory of two or three. Memory a process writes for the first time costs a page fault
 * per 4 KiB: on this machine's VM ~11 µs each, 0.4 s per 150 MB, which was the event loop's largest
 * cost in a 10,000-animal re-score (bench:gbv, CPU profile). Owned by one job: nothing is kept after it.
 */
export class PageBuffers {
  private readonly free: SharedArrayBuffer[] = [];

  /** A buffer of `bytes` at the start of a SharedArrayBuffer: one handed back, or a new one. */
  take(bytes: number): Uint8Array {
    const at = this.free.findIndex((b) => b.byteLength === bytes);
    const buffer = at < 0 ? new SharedArrayBuffer(bytes) : this.free.splice(at, 1)[0]!;
    return new Uint8Array(buffer);
  }

  /** Hands a page's data back: nothing may read or write it afterwards. */
  give(data: Uint8Array): void {
    const buffer = data.buffer;
    if (buffer instanceof SharedArrayBuffer && !this.free.includes(buffer)) this.free.push(buffer);
  }
}

/**
 * Reads rows of `textColumns` non-NULL text fields and one bytea of exactly `stride` bytes, yielding
 * them `pageRows` at a time (the last page may be shorter; an empty result yields nothing). The next
 * chunk is not pulled until the page before it was taken, so a slow consumer holds the COPY back.
 * `describe(texts, r)` names a row in errors (a bytea of another length).
 */
export async function* packedRowPages(
  chunks: AsyncIterable<Buffer>,
  textColumns: number,
  stride: number,
  pageRows: number,
  describe: (texts: string[][], row: number) => string,
  buffers = new PageBuffers(),
): AsyncGenerator<PackedRows> {
  const newTexts = (): string[][] => Array.from({ length: textColumns }, () => []);
  // Room for a whole page at once: growing by copies cost more than the parse itself (a 10,000-row
  // read took 1.5 s instead of 0.65 s); memory not written to stays untouched by the OS.
  const newData = () => buffers.take(pageRows * stride);
  let texts = newTexts();
  let data = newData();
  let rows = 0;
  // -1: before a tuple's field count; 0…textColumns: the field whose length comes next; textColumns + 1:
  // the bytea's length was read (its bytes are being copied).
  let field = -1;
  let copying = 0; // bytes of the current bytea still to copy
  let headerDone = false;
  let ended = false;
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  for await (const chunk of chunks) {
    // Only a few bytes (a length, an id) are ever carried over to the next chunk.
    buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), chunk]) : chunk;
    pos = 0;
    for (;;) {
      if (copying > 0) {
        const n = Math.min(copying, buf.length - pos);
        // Buffer#copy is a memmove; TypedArray#set was slower here.
        buf.copy(data, (rows + 1) * stride - copying, pos, pos + n);
        pos += n;
        copying -= n;
        if (copying > 0) break;
      }
      if (field === textColumns + 1) {
        // A row is complete.
        rows++;
        field = -1;
        if (rows === pageRows) {
          yield { texts, data, rows };
          texts = newTexts();
          data = newData();
          rows = 0;
        }
        continue;
      }
      if (ended) break;
      const left = buf.length - pos;
      if (!headerDone) {
        if (left < 19) break;
        if (!buf.subarray(pos, pos + 11).equals(SIGNATURE)) throw new Error("COPY: not PostgreSQL's binary format");
        const extension = buf.readInt32BE(pos + 15);
        if (left < 19 + extension) break;
        pos += 19 + extension;
        headerDone = true;
      } else if (field === -1) {
        if (left < 2) break;
        const count = buf.readInt16BE(pos);
        pos += 2;
        if (count === -1) {
          ended = true;
          continue;
        }
        if (count !== textColumns + 1) throw new Error(`COPY: a row of ${count} fields, expected ${textColumns + 1}`);
        field = 0;
      } else {
        if (left < 4) break;
        const length = buf.readInt32BE(pos);
        if (length < 0) throw new Error(`COPY: field ${field + 1} is NULL`);
        if (field < textColumns) {
          if (left < 4 + length) break;
          texts[field]!.push(buf.toString("utf8", pos + 4, pos + 4 + length));
          pos += 4 + length;
          field++;
        } else {
          if (length !== stride)
            throw new Error(`${describe(texts, rows)} holds ${length} bytes, the panel needs ${stride}`);
          pos += 4;
          copying = stride;
          field = textColumns + 1;
        }
      }
    }
  }
  if (!ended) throw new Error("COPY: the data ended before its trailer");
  if (rows > 0) yield { texts, data: data.subarray(0, rows * stride), rows };
}

/** All rows of a COPY that returns at most `maxRows` (a LIMIT), as one page; none: an empty page. */
export async function readPackedRows(
  chunks: AsyncIterable<Buffer>,
  textColumns: number,
  stride: number,
  maxRows: number,
  describe: (texts: string[][], row: number) => string,
): Promise<PackedRows> {
  let page: PackedRows | undefined;
  for await (const p of packedRowPages(chunks, textColumns, stride, maxRows, describe)) {
    if (page) throw new Error(`COPY: more than the ${maxRows} rows asked for`);
    page = p;
  }
  return (
    page ?? {
      texts: Array.from({ length: textColumns }, () => []),
      data: new Uint8Array(new SharedArrayBuffer(0)),
      rows: 0,
    }
  );
}

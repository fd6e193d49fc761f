// The binary COPY reader (copy-packed-rows.ts) on bytes built here in PostgreSQL's documented format,
// cut into chunks at every possible place: rows come out whole and in order, a short read keeps only
// its rows, and anything off-format fails with a message that says what is wrong. (The real COPY
// stream is read in tests/integration/gbv/genotype-pages.test.ts.)
import { describe, expect, it } from "vitest";
import { PageBuffers, packedRowPages, readPackedRows } from "../src/gbv/copy-packed-rows";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

function int16(n: number) {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A COPY (FORMAT binary) body: rows of text fields then one bytea (null = SQL NULL). */
function copyBody(
  rows: { texts: string[]; bytes: Buffer | null }[],
  opts: { trailer?: boolean; extension?: Buffer } = {},
) {
  const ext = opts.extension ?? Buffer.alloc(0);
  const parts = [SIGNATURE, int32(0), int32(ext.length), ext];
  for (const r of rows) {
    parts.push(int16(r.texts.length + 1));
    for (const t of r.texts) {
      const b = Buffer.from(t, "utf8");
      parts.push(int32(b.length), b);
    }
    parts.push(r.bytes ? Buffer.concat([int32(r.bytes.length), r.bytes]) : int32(-1));
  }
  if (opts.trailer !== false) parts.push(int16(-1));
  return Buffer.concat(parts);
}

async function* chunked(body: Buffer, size: number) {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

const describeRow = (texts: string[][], r: number) => `genotype ${texts[0]![r]}`;
const rowsOf = (n: number, stride: number) =>
  Array.from({ length: n }, (_, r) => ({
    texts: [`id-${r}`, `animal-é${r}`],
    bytes: Buffer.from(Array.from({ length: stride }, (_, j) => (r * 31 + j * 7) & 255)),
  }));

describe("readPackedRows", () => {
  it("reads every row whole, in order, however the stream is cut", async () => {
    const stride = 13;
    const rows = rowsOf(5, stride);
    const body = copyBody(rows, { extension: Buffer.from([1, 2, 3]) });
    for (const size of [1, 2, 3, 5, 7, 16, 19, 20, 64, body.length]) {
      const out = await readPackedRows(chunked(body, size), 2, stride, 5, describeRow);
      expect(out.rows).toBe(5);
      expect(out.texts).toEqual([rows.map((r) => r.texts[0]), rows.map((r) => r.texts[1])]);
      expect(Buffer.from(out.data)).toEqual(Buffer.concat(rows.map((r) => r.bytes)));
      expect(out.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it("keeps exactly the rows read when fewer than asked for arrive, and none from an empty result", async () => {
    const stride = 8;
    const rows = rowsOf(3, stride);
    const out = await readPackedRows(chunked(copyBody(rows), 10), 2, stride, 100, describeRow);
    expect(out.rows).toBe(3);
    expect(out.data.byteLength).toBe(3 * stride);
    expect(out.data.byteOffset).toBe(0);
    const empty = await readPackedRows(chunked(copyBody([]), 4), 2, stride, 100, describeRow);
    expect(empty).toMatchObject({ rows: 0, texts: [[], []] });
    expect(empty.data.byteLength).toBe(0);
  });

  it("names the row whose bytes do not fit the panel", async () => {
    const rows = rowsOf(2, 8);
    rows[1]!.bytes = Buffer.alloc(9);
    await expect(readPackedRows(chunked(copyBody(rows), 6), 2, 8, 2, describeRow)).rejects.toThrow(
      "genotype id-1 holds 9 bytes, the panel needs 8",
    );
  });

  it("refuses what is not a complete binary COPY of the expected rows", async () => {
    const rows = rowsOf(2, 4);
    const body = copyBody(rows);
    await expect(readPackedRows(chunked(Buffer.from("id\tpacked\n"), 4), 2, 4, 2, describeRow)).rejects.toThrow(
      /COPY|ended/,
    );
    const bad = Buffer.from(body);
    bad[0] = 0x51;
    await expect(readPackedRows(chunked(bad, 8), 2, 4, 2, describeRow)).rejects.toThrow(
      "not PostgreSQL's binary format",
    );
    await expect(readPackedRows(chunked(body.subarray(0, body.length - 3), 8), 2, 4, 2, describeRow)).rejects.toThrow(
      "ended before its trailer",
    );
    await expect(readPackedRows(chunked(copyBody(rows, { trailer: false }), 8), 2, 4, 2, describeRow)).rejects.toThrow(
      "ended before its trailer",
    );
    await expect(readPackedRows(chunked(body, 8), 3, 4, 2, describeRow)).rejects.toThrow(
      "a row of 3 fields, expected 4",
    );
    await expect(readPackedRows(chunked(body, 8), 2, 4, 1, describeRow)).rejects.toThrow("more than the 1 rows");
    const withNull = copyBody([{ texts: ["a", "b"], bytes: null }]);
    await expect(readPackedRows(chunked(withNull, 8), 2, 4, 1, describeRow)).rejects.toThrow("field 3 is NULL");
  });
});

describe("packedRowPages", () => {
  it("cuts the rows into pages of the given size, the last one shorter, each on its own SharedArrayBuffer", async () => {
    const stride = 6;
    const rows = rowsOf(5, stride);
    const pages = [];
    for await (const p of packedRowPages(chunked(copyBody(rows), 7), 2, stride, 2, describeRow)) pages.push(p);
    expect(pages.map((p) => p.rows)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.texts[0])).toEqual([["id-0", "id-1"], ["id-2", "id-3"], ["id-4"]]);
    pages.forEach((p, k) => {
      expect(p.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(p.data.byteLength).toBe(p.rows * stride);
      expect(Buffer.from(p.data)).toEqual(Buffer.concat(rows.slice(2 * k, 2 * k + p.rows).map((r) => r.bytes)));
    });
  });

  it("fills the buffers handed back again, and never one a page still holds", async () => {
    const stride = 6;
    const rows = rowsOf(7, stride);
    const buffers = new PageBuffers();
    const seen: ArrayBufferLike[] = [];
    let k = 0;
    for await (const p of packedRowPages(chunked(copyBody(rows), 7), 2, stride, 2, describeRow, buffers)) {
      // Each page holds its own rows, whichever buffer it was read into.
      expect(Buffer.from(p.data)).toEqual(Buffer.concat(rows.slice(2 * k, 2 * k + p.rows).map((r) => r.bytes)));
      expect(p.data.byteOffset).toBe(0);
      seen.push(p.data.buffer);
      // The first page is kept: its buffer never comes back; the others are handed back once read.
      if (k > 0) buffers.give(p.data);
      k++;
    }
    // Page 0 and page 1 each in a new buffer, then pages 2 and 3 in page 1's.
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(2);
    expect(seen[2]).toBe(seen[1]);
    expect(seen[3]).toBe(seen[1]);
    expect(seen.slice(1)).not.toContain(seen[0]);
  });

  it("stops pulling the stream while a page waits to be taken, and closes it when the reader stops early", async () => {
    const rows = rowsOf(6, 4);
    const body = copyBody(rows);
    let pulled = 0;
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; i < body.length; i += 5) {
          pulled = i + 5;
          yield body.subarray(i, i + 5);
        }
      } finally {
        closed = true;
      }
    }
    const pages = packedRowPages(source(), 2, 4, 2, describeRow);
    const first = await pages.next();
    expect(first.value?.rows).toBe(2);
    expect(pulled).toBeLessThan(body.length / 2);
    await pages.return(undefined);
    expect(closed).toBe(true);
  });
});

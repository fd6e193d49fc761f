// CopyOutFramer (gbv/copy-out.ts): the backend's messages during a COPY out, cut into socket chunks
// anywhere (inside a header, a body, between messages), give back exactly the CopyData contents in
// order, skip the asynchronous messages, and hand pg everything after CopyDone, or from the first
// byte of an ErrorResponse or of a message a COPY never sends.
import { describe, expect, it } from "vitest";
import { CopyOutFramer, type CopyOutEnd } from "../src/gbv/copy-out";

function message(code: string, body: Buffer | string = Buffer.alloc(0)): Buffer {
  const bytes = typeof body === "string" ? Buffer.from(`${body}\0`) : body;
  const header = Buffer.alloc(5);
  header.write(code, 0, "latin1");
  header.writeUInt32BE(bytes.length + 4, 1);
  return Buffer.concat([header, bytes]);
}

/** A seeded generator, so a failing split can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Feeds `stream` cut at `cuts`; the data handed out and the end, with everything pg gets after it. */
function feedCut(stream: Buffer, cuts: number[]) {
  const framer = new CopyOutFramer();
  const data: Buffer[] = [];
  let end: CopyOutEnd | null = null;
  const rest: Buffer[] = [];
  const bounds = [0, ...cuts, stream.length];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const chunk = stream.subarray(bounds[k], bounds[k + 1]);
    if (end) rest.push(chunk);
    else {
      end = framer.feed(chunk, (view) => data.push(view));
      if (end) rest.push(end.rest);
    }
  }
  return { data: Buffer.concat(data), views: data, end, afterEnd: Buffer.concat(rest) };
}

describe("CopyOutFramer", () => {
  const rows = Array.from({ length: 40 }, (_, r) => Buffer.alloc(37 + ((r * 997) % 3000), r + 1));
  const tail = Buffer.concat([message("C", "COPY 40"), message("Z", Buffer.from("I"))]);
  const stream = Buffer.concat([
    message("H", Buffer.from([1, 0, 2, 0, 0, 0, 1])),
    ...rows.flatMap((row, r) => [message("d", row), ...(r === 7 ? [message("N", "SNOTICE")] : [])]),
    message("S", "application_name\0x"),
    message("c"),
    tail,
  ]);

  it("hands out every CopyData byte in order, whatever the chunk boundaries, and pg the rest", () => {
    const next = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(next() * 60);
      const cuts = [...new Set(Array.from({ length: n }, () => 1 + Math.floor(next() * (stream.length - 1))))].sort(
        (a, b) => a - b,
      );
      const out = feedCut(stream, cuts);
      expect(out.end?.kind).toBe("done");
      expect(out.data.equals(Buffer.concat(rows))).toBe(true);
      expect(out.afterEnd.equals(tail)).toBe(true);
    }
    // Byte by byte too: every header split at every position.
    const bytewise = feedCut(
      stream,
      Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
    );
    expect(bytewise.data.equals(Buffer.concat(rows))).toBe(true);
    expect(bytewise.afterEnd.equals(tail)).toBe(true);
  });

  it("hands out views of the chunks, not copies", () => {
    const out = feedCut(stream, []);
    expect(out.views.length).toBe(rows.length);
    for (const view of out.views) expect(view.buffer).toBe(stream.buffer);
  });

  it("hands pg an ErrorResponse from its first byte, with the rows before it given out", () => {
    const error = message("E", "SERROR\0C22012\0Mdivision by zero\0");
    const failing = Buffer.concat([message("H", Buffer.alloc(3)), message("d", rows[0]!), error, message("Z", "I")]);
    for (const cut of [
      1,
      6,
      failing.length - error.length - 5,
      failing.length - error.length - 1,
      failing.length - 3,
    ]) {
      const out = feedCut(failing, [cut]);
      expect(out.end?.kind).toBe("error");
      expect(out.data.equals(rows[0]!)).toBe(true);
      expect(out.afterEnd.equals(Buffer.concat([error, message("Z", "I")]))).toBe(true);
    }
  });

  it("stops at a message a COPY out never sends and hands it to pg whole", () => {
    const rowDescription = message("T", Buffer.alloc(6));
    const out = feedCut(Buffer.concat([message("H", Buffer.alloc(3)), rowDescription]), [4]);
    expect(out.end).toMatchObject({ kind: "unexpected", code: "T".charCodeAt(0) });
    expect(out.afterEnd.equals(rowDescription)).toBe(true);
    expect(out.data.length).toBe(0);
  });
});

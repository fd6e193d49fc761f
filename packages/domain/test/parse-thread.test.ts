// The genotype-parse thread (parse-thread.ts): a file read straight into the thread's buffers
// (FileBlobStore.openReader) or streamed parses exactly as the library does in-process, with bytes
// read reported up to the file's size; a bad file read that way fails with the library's error; a
// thread that finished cleanly is kept and reused (its decoded panels cached), one that met a bad
// file or a failing source is dropped and the next parse is still right.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  concatBytes,
  GenotypeFormatError,
  readFinalReport,
  simulatePopulation,
  writeFinalReport,
  type SnpPanel,
} from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genotypes } from "../src";
import { parseInThread, parseThreadStats, prestartParseThread } from "../src/genotypes/parse-thread";

let root: string;
let store: genotypes.FileBlobStore;

interface Plate {
  panel: SnpPanel;
  key: string;
  bytes: Uint8Array;
}

/** A FinalReport of `n` animals on its own panel, stored in the blob store. */
async function plate(n: number, nSnps: number, seed: number): Promise<Plate> {
  const pop = simulatePopulation({ seed, nAnimals: n, nSnps, nGenerations: 1 });
  const ids = pop.animals.map((_, i) => `S${seed}-${i}`);
  const bytes = concatBytes([...writeFinalReport(pop.panel, ids, pop.genotypes, { alleleSets: ["ab"] })]);
  const key = genotypes.uploadBlobKey(randomUUID(), randomUUID());
  await store.put(key, Readable.from([bytes]));
  return { panel: pop.panel, key, bytes };
}

const init = (p: Plate) => ({ format: "final_report" as const, markerMap: genotypes.encodeMarkerMap(p.panel) });

async function viaReader(p: Plate) {
  const reader = await store.openReader(p.key);
  return parseInThread(init(p), reader).finally(() => reader.close());
}

async function expectLibraryParse(p: Plate, parsed: { sampleIds: string[]; genotypes: { data: Uint8Array } }) {
  const direct = await readFinalReport(Readable.from([p.bytes]), { panel: p.panel, duplicateSamples: "keep" });
  expect(parsed.sampleIds).toEqual(direct.sampleIds);
  expect(Buffer.from(parsed.genotypes.data).equals(Buffer.from(direct.genotypes.data))).toBe(true);
}

let big: Plate;
let other: Plate;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "reprotech-parse-thread-"));
  store = new genotypes.FileBlobStore(root);
  // Several 1 MB buffers and a partial last one; a second panel of another size.
  big = await plate(48, 3000, 11);
  other = await plate(5, 1200, 12);
});
afterAll(() => rm(root, { recursive: true, force: true }));

// Each thread started from source loads the library through tsx: seconds when turbo runs every
// package's tests at once on two cores (5 s was exceeded on CI), not a sign of a hang.
describe("parseInThread", { timeout: 60_000 }, () => {
  it("reads a stored file into the thread's buffers and parses it as the library does in-process", async () => {
    expect(big.bytes.length).toBeGreaterThan(3 << 20);
    expect(big.bytes.length % (1 << 20)).not.toBe(0);
    const direct = await readFinalReport(Readable.from([big.bytes]), { panel: big.panel, duplicateSamples: "keep" });
    let lastRead = 0;
    const reader = await store.openReader(big.key);
    const parsed = await parseInThread(init(big), reader, { onBytesRead: (n) => (lastRead = n) }).finally(() =>
      reader.close(),
    );
    expect(parsed.sampleIds).toEqual(direct.sampleIds);
    expect(Buffer.from(parsed.genotypes.data).equals(Buffer.from(direct.genotypes.data))).toBe(true);
    expect(lastRead).toBe(big.bytes.length);
    const streamed = await parseInThread(init(big), await store.get(big.key));
    expect(Buffer.from(streamed.genotypes.data).equals(Buffer.from(direct.genotypes.data))).toBe(true);
  });

  it("fails a file cut off mid-row with the library's error, read that way too", async () => {
    const cut = big.bytes.subarray(0, Math.floor(big.bytes.length / 2) + 7);
    const key = genotypes.uploadBlobKey(randomUUID(), randomUUID());
    await store.put(key, Readable.from([cut]));
    const reader = await store.openReader(key);
    const failed = await parseInThread(init(big), reader)
      .finally(() => reader.close())
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(GenotypeFormatError);
    const direct = await readFinalReport(Readable.from([cut]), { panel: big.panel }).catch((error: unknown) => error);
    expect((failed as GenotypeFormatError).message).toBe((direct as GenotypeFormatError).message);
  });

  it("reuses a thread that finished cleanly, across panels", async () => {
    await viaReader(other); // leaves a kept thread
    const before = parseThreadStats();
    expect(before.idle).toBe(1);
    await expectLibraryParse(big, await viaReader(big));
    await expectLibraryParse(other, await viaReader(other));
    expect(parseThreadStats().started).toBe(before.started);
  });

  it("drops a thread that met a bad file; the next parse is right", async () => {
    await viaReader(other);
    const kept = parseThreadStats();
    expect(kept.idle).toBe(1);
    const key = genotypes.uploadBlobKey(randomUUID(), randomUUID());
    await store.put(key, Readable.from([big.bytes.subarray(0, Math.floor(big.bytes.length / 2) + 7)]));
    const reader = await store.openReader(key);
    await expect(parseInThread(init(big), reader).finally(() => reader.close())).rejects.toBeInstanceOf(
      GenotypeFormatError,
    );
    expect(parseThreadStats().idle).toBe(0);
    await expectLibraryParse(other, await viaReader(other));
    expect(parseThreadStats().started).toBe(kept.started + 1);
  });

  it("fills each buffer across short reads, and ends right on a 1 MB boundary", async () => {
    // A reader that never returns more than 777 bytes, over the plate's whole samples that fit in
    // 2 MB (a cut inside a sample is a truncated file), padded with line breaks to exactly 2 MB.
    const exact = new Uint8Array(2 << 20).fill(0x0a);
    const text = Buffer.from(big.bytes).toString("latin1");
    const rowStart = (i: number) => text.lastIndexOf("\n", text.indexOf(`\tS11-${i}\t`)) + 1;
    let whole = 1;
    while (rowStart(whole + 1) <= exact.length) whole++;
    const body = big.bytes.subarray(0, rowStart(whole));
    expect(body.length).toBeGreaterThan(1 << 20);
    exact.set(body);
    const fits = await readFinalReport(Readable.from([exact]), { panel: big.panel, duplicateSamples: "keep" });
    let at = 0;
    const reader = {
      read: async (into: Uint8Array) => {
        const n = Math.min(777, into.length, exact.length - at);
        into.set(exact.subarray(at, at + n));
        at += n;
        return n;
      },
      close: async () => {},
    };
    const parsed = await parseInThread(init(big), reader);
    expect(parsed.sampleIds).toEqual(fits.sampleIds);
    expect(Buffer.from(parsed.genotypes.data).equals(Buffer.from(fits.genotypes.data))).toBe(true);
  });

  it("prestarts one idle thread when there is none, and the next parse uses it", async () => {
    const failing = { read: async () => Promise.reject(new Error("gone")), close: async () => {} };
    await expect(parseInThread(init(other), failing)).rejects.toThrow("gone"); // leaves no idle thread
    expect(parseThreadStats().idle).toBe(0);
    const before = parseThreadStats().started;
    prestartParseThread();
    prestartParseThread(); // one idle thread is enough
    expect(parseThreadStats()).toEqual({ started: before + 1, idle: 1 });
    await expectLibraryParse(other, await viaReader(other));
    expect(parseThreadStats()).toEqual({ started: before + 1, idle: 1 });
  });

  it("drops the thread when the source fails mid-file; the next parse is right", async () => {
    await viaReader(other);
    expect(parseThreadStats().idle).toBe(1);
    let calls = 0;
    const failing = {
      read: async (into: Uint8Array) => {
        if (++calls > 2) throw new Error("disk went away");
        into.set(big.bytes.subarray((calls - 1) * into.length, calls * into.length));
        return into.length;
      },
      close: async () => {},
    };
    await expect(parseInThread(init(big), failing)).rejects.toThrow("disk went away");
    expect(parseThreadStats().idle).toBe(0);
    await expectLibraryParse(other, await viaReader(other));
  });
});

// followSpool (genotypes/spool-follow.ts) on real files: a reader keeps up with a file another writer
// is still appending to, gets every byte once the file is moved into place, and gives the file up
// when it is deleted or stops growing — the three ways an upload's spool ends.
import { randomBytes } from "node:crypto";
import { appendFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followSpool, SpoolAbandoned, type SpoolReader } from "../src/genotypes/spool-follow";

let dir: string;
let n = 0;
const fresh = () => path.join(dir, `spool-${n++}`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "spool-follow-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Reads the reader to its end in `size`-byte reads. */
async function readAll(reader: SpoolReader, size = 4096): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const into = new Uint8Array(size);
    const got = await reader.read(into);
    if (got === 0) return Buffer.concat(parts);
    parts.push(Buffer.from(into.subarray(0, got)));
  }
}

describe("followSpool", () => {
  it("reads a file while it grows, and all of it once it is moved into place", async () => {
    const file = fresh();
    const data = randomBytes(300_000);
    await writeFile(file, data.subarray(0, 1000));
    const reader = (await followSpool(file, { idleMs: 5_000 }))!;
    const reading = readAll(reader, 7_000);
    for (let at = 1000; at < data.length; at += 37_000) {
      await delay(5);
      await appendFile(file, data.subarray(at, Math.min(at + 37_000, data.length)));
    }
    // Everything written, but still at the spool's path: the reader waits for more.
    await delay(50);
    expect(reader.ended).toBe(false);
    expect(reader.position).toBe(data.length);
    await rename(file, `${file}-stored`);
    expect((await reading).equals(data)).toBe(true);
    expect(reader.ended).toBe(true);
    expect(await reader.linked()).toBe(true);
    await reader.close();
  });

  it("answers the head once that many bytes arrived, without moving the read position", async () => {
    const file = fresh();
    const data = randomBytes(10_000);
    await writeFile(file, data.subarray(0, 100));
    const reader = (await followSpool(file, { idleMs: 5_000 }))!;
    const head = reader.head(4_000);
    await delay(30);
    await appendFile(file, data.subarray(100));
    expect(Buffer.from((await head).bytes).equals(data.subarray(0, 4_000))).toBe(true);
    expect((await head).whole).toBe(false);
    expect(reader.position).toBe(0);
    await reader.close();

    // A file shorter than the head, once moved, is the whole file.
    const short = fresh();
    await writeFile(short, data.subarray(0, 500));
    const shortReader = (await followSpool(short, { idleMs: 5_000 }))!;
    const shortHead = shortReader.head(4_000);
    await delay(30);
    await rename(short, `${short}-stored`);
    expect(await shortHead).toEqual({ bytes: new Uint8Array(data.subarray(0, 500)), whole: true });
    await shortReader.close();
  });

  it("gives up a spool that is deleted (refused or repeated upload)", async () => {
    const file = fresh();
    await writeFile(file, randomBytes(2_000));
    const reader = (await followSpool(file, { idleMs: 5_000 }))!;
    const reading = readAll(reader);
    await delay(30);
    await rm(file);
    await expect(reading).rejects.toThrow(SpoolAbandoned);
    await expect(reading).rejects.toThrow(/spool was deleted/);
    expect(reader.position).toBe(2_000);
    expect(await reader.linked()).toBe(false);
    await reader.close();
  });

  it("gives up a spool that stops growing (a server gone mid-body)", async () => {
    const file = fresh();
    await writeFile(file, randomBytes(2_000));
    const reader = (await followSpool(file, { idleMs: 150 }))!;
    const started = Date.now();
    await expect(readAll(reader)).rejects.toThrow(/has not grown for 150 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await reader.close();
  });

  it("finds no spool where there is none", async () => {
    expect(await followSpool(path.join(dir, "never-written"), { idleMs: 1_000 })).toBeUndefined();
  });
});

// POST /api/v1/genotypes/uploads on the filesystem blob store: the staged body is MOVED to the
// upload's key (FileBlobStore.promote, a rename), not read, hashed and written a second time. The
// final blob is the staged file itself (same inode), stored once with the right SHA-256, no staging
// file is left, and nothing writes the final key. A repeated upload (same bytes, or
// same idempotency key) keeps nothing new.
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypes } from "@reprotech/domain";
import { concatBytes, formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let panelId: string;
let report: Uint8Array;
let cookieA: string;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const blobsRoot = () => path.join(dataDir, "blobs");
const blobFiles = async () =>
  (await readdir(blobsRoot(), { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((d) => d.isFile())
    .map((d) => path.relative(blobsRoot(), path.join(d.parentPath, d.name)))
    .sort();

/** Spies on the store: every write (put or spool) with its key, and every promote with the inode of the file it moved. */
function watchStore() {
  const proto = genotypes.FileBlobStore.prototype;
  const put = vi.spyOn(proto, "put");
  const spool = vi.spyOn(proto, "spool");
  const promote = proto.promote;
  const moved: { from: string; to: string; inode: number }[] = [];
  vi.spyOn(proto, "promote").mockImplementation(async function (this: genotypes.FileBlobStore, from, to) {
    const inode = (await stat(path.join(this.root, ...from.split("/")))).ino;
    await promote.call(this, from, to);
    moved.push({ from, to, inode });
  });
  const writes = () => [
    ...put.mock.calls.map(([key]) => `put ${key}`),
    ...spool.mock.calls.map(([key]) => `spool ${key}`),
  ];
  return { writes, moved };
}

function upload(body: Uint8Array, name: string, idempotencyKey?: string) {
  const q = new URLSearchParams({ customerId: world.customerA, panelId, fileName: name });
  if (idempotencyKey) q.set("idempotencyKey", idempotencyKey);
  return fetch(`${url}/api/v1/genotypes/uploads?${q}`, {
    method: "POST",
    headers: { cookie: cookieA, origin: new URL(url).origin, "content-type": "application/octet-stream" },
    body,
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotype-promote-"));
  const prefix = `test:genotype-promote-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  const pop = simulatePopulation({ seed: 11, nAnimals: 10, nSnps: 300, idPrefix: "PRM" });
  report = concatBytes([
    ...writeFinalReport(
      pop.panel,
      pop.animals.map((a) => a.id),
      pop.genotypes,
    ),
  ]);
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "Promote chip");
  cookieA = await sessionCookieFor(world, world.usersA.technician.email);
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("streaming upload on the filesystem store", () => {
  it("moves the staged file to the upload's key: one blob, right SHA-256, no second write", async () => {
    const store = watchStore();
    const res = await upload(report, "plate.txt");
    expect(res.status, await res.clone().text()).toBe(201);
    const { upload: row } = (await res.json()) as { upload: { id: string; sha256: string; byteSize: number } };
    expect(row).toMatchObject({ sha256: sha256(report), byteSize: report.length });

    const key = `raw-snp-files/customer-${world.customerA}/${row.id}`;
    expect(await blobFiles()).toEqual([path.join(...key.split("/"))]);
    const final = path.join(blobsRoot(), ...key.split("/"));
    expect(sha256(await readFile(final))).toBe(sha256(report));
    // Written once (spooled under the id the upload then got), then renamed: the final file is the spool.
    const spoolKey = `upload-staging/${row.id}`;
    expect(store.writes()).toEqual([`spool ${spoolKey}`]);
    expect(store.moved).toEqual([{ from: spoolKey, to: key, inode: (await stat(final)).ino }]);
    const [dbRow] = (
      await world.owner.query(`SELECT blob_key, sha256, byte_size::int AS size FROM genotype_uploads WHERE id = $1`, [
        row.id,
      ])
    ).rows;
    expect(dbRow).toEqual({ blob_key: key, sha256: sha256(report), size: report.length });
  });

  it("a repeated upload (same bytes; then same idempotency key) keeps nothing new and leaves no staging", async () => {
    const before = await blobFiles();
    const same = await upload(report, "again.txt");
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ created: false });
    expect(await blobFiles()).toEqual(before);

    const idem = `promote-${randomUUID()}`;
    const other = concatBytes([report, new TextEncoder().encode("\n")]);
    const first = await upload(other, "other.txt", idem);
    expect(first.status).toBe(201);
    const { upload: kept } = (await first.json()) as { upload: { id: string } };
    const afterFirst = await blobFiles();
    expect(afterFirst).toHaveLength(before.length + 1);

    // The same key with different bytes: answered from the earlier upload before any move.
    const store = watchStore();
    const retry = await upload(concatBytes([other, new TextEncoder().encode("\n")]), "other.txt", idem);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ created: false, upload: { id: kept.id } });
    expect(store.moved).toEqual([]);
    expect(await blobFiles()).toEqual(afterFirst);
    expect((await blobFiles()).filter((f) => f.startsWith("upload-staging"))).toEqual([]);
  });
});

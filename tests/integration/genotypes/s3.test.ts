// The S3 blob store against a real S3-compatible server (s3rver, in-process on a random port with
// its files in a temp directory): a multi-MB streamed round trip with the SHA-256 computed on the
// way in, a source that fails midway leaves no object and no open multipart upload, NotFound reads
// as ENOENT like the filesystem store; and the whole app with S3_* set — an upload over HTTP lands
// in the bucket under raw-snp-files/customer-<id>/<upload id> and the worker's ingest reads it back.
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { silentLogger } from "@reprotech/core";
import { genotypes, registerJobProcessors } from "@reprotech/domain";
import { concatBytes, formatMap, sampleRow, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

// s3rver ships no types; this is the part of its API the test uses.
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

const BUCKET = "reprotech-test";
// s3rver's fixed credentials, handed to the AWS SDK's default chain through the environment.
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
const MiB = 1024 * 1024;

let s3: S3rverServer;
let s3Dir: string;
let s3Env: Record<string, string>;
let store: genotypes.BlobStore;
const savedEnv: Record<string, string | undefined> = {};

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const readAll = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
/** Deterministic pseudo-random bytes (incompressible, so no layer can cheat on size). */
function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
/** Streams `bytes` in 64 KiB chunks, optionally failing after `failAfter` bytes. */
async function* chunksOf(bytes: Uint8Array, failAfter = Infinity) {
  for (let o = 0; o < bytes.length; o += 64 * 1024) {
    if (o >= failAfter) throw new Error("source broke midway");
    yield bytes.subarray(o, o + 64 * 1024);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every file s3rver holds for the bucket, relative to it: objects and multipart uploads in progress. */
async function serverFiles(): Promise<string[]> {
  const root = path.join(s3Dir, BUCKET);
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}
const objectsOnServer = async () =>
  (await serverFiles()).filter((f) => f.endsWith("._S3rver_object")).map((f) => f.replace(/\._S3rver_object$/, ""));
const uploadsOnServer = async () => (await serverFiles()).filter((f) => f.includes("._S3rver_uploads"));

beforeAll(async () => {
  for (const [name, value] of Object.entries(CREDENTIALS)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  s3Dir = await mkdtemp(path.join(tmpdir(), "reprotech-s3rver-"));
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory: s3Dir,
    silent: true,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  s3Env = {
    S3_BUCKET: BUCKET,
    S3_REGION: "us-east-1",
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_FORCE_PATH_STYLE: "true",
  };
  store = genotypes.blobStoreFromConfig({
    DATA_DIR: s3Dir,
    S3_BUCKET: BUCKET,
    S3_REGION: "us-east-1",
    S3_ENDPOINT: s3Env.S3_ENDPOINT,
    S3_FORCE_PATH_STYLE: true,
  });
});
afterAll(async () => {
  await s3?.close();
  if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
  for (const [name, value] of Object.entries(savedEnv))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe("S3BlobStore on an S3-compatible server", () => {
  it("is the store blobStoreFromConfig picks when S3_BUCKET is set", () => {
    expect(store).toBeInstanceOf(genotypes.S3BlobStore);
    expect(genotypes.blobStoreFromConfig({ DATA_DIR: s3Dir })).toBeInstanceOf(genotypes.FileBlobStore);
  });

  it("streams a multi-MB body in parts and gives the same bytes back, with size and SHA-256", async () => {
    const body = bytesOf(21 * MiB + 12345, 11); // 3 parts of 8 MiB: a real multipart upload
    const key = `raw-snp-files/customer-${randomUUID()}/${randomUUID()}`;
    expect(await store.exists(key)).toBe(false);
    const stored = await store.put(key, Readable.from(chunksOf(body)));
    expect(stored).toEqual({ bytes: body.length, sha256: sha256(body) });
    expect(await store.exists(key)).toBe(true);
    expect(await objectsOnServer()).toContain(key);
    expect(await uploadsOnServer()).toEqual([]);
    const back = await readAll(await store.get(key));
    expect(back.length).toBe(body.length);
    expect(sha256(back)).toBe(sha256(body));
    // The server holds exactly these bytes (no aws-chunked framing or checksum trailers mixed in).
    expect(sha256(await readFile(path.join(s3Dir, BUCKET, `${key}._S3rver_object`)))).toBe(sha256(body));

    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    expect(await objectsOnServer()).not.toContain(key);
    await expect(store.delete(key)).resolves.toBeUndefined(); // deleting nothing is not an error
  });

  it("stores small and empty bodies (one PUT, no multipart) from web streams too", async () => {
    const key = `raw-snp-files/customer-${randomUUID()}/small`;
    const small = bytesOf(1000, 3);
    expect(await store.put(key, new Blob([small]).stream())).toEqual({ bytes: 1000, sha256: sha256(small) });
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(small));
    const empty = `raw-snp-files/customer-${randomUUID()}/empty`;
    expect(await store.put(empty, Readable.from([]))).toEqual({ bytes: 0, sha256: sha256(new Uint8Array()) });
    expect((await readAll(await store.get(empty))).length).toBe(0);
    await store.delete(key);
    await store.delete(empty);
  });

  it("leaves no object when the source fails midway, and aborts the multipart upload", async () => {
    const s3Store = store as genotypes.S3BlobStore;
    // Every S3 call the store makes, as the server answered it (after the SDK's retries).
    const calls: { command: string; uploadId?: string | undefined; error?: string }[] = [];
    s3Store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { UploadId?: string };
        try {
          const out = await next(args);
          const output = out.output as { UploadId?: string };
          calls.push({ command: context.commandName!, uploadId: input.UploadId ?? output.UploadId });
          return out;
        } catch (error) {
          calls.push({ command: context.commandName!, uploadId: input.UploadId, error: (error as Error).name });
          throw error;
        }
      },
      { step: "initialize", name: "recordCalls" },
    );
    try {
      const key = `raw-snp-files/customer-${randomUUID()}/${randomUUID()}`;
      const body = bytesOf(30 * MiB, 5);
      // Two full 8 MiB parts go up before the source breaks: a multipart upload exists by then.
      const error = await store.put(key, Readable.from(chunksOf(body, 20 * MiB))).catch((e: unknown) => e);
      expect(error).toMatchObject({ message: "source broke midway" }); // the source's error, not the abort's
      const putCalls = [...calls];

      // Nothing under the key: S3 creates the object only on CompleteMultipartUpload, never sent.
      expect(await store.exists(key)).toBe(false);
      await expect(store.get(key)).rejects.toMatchObject({ code: "ENOENT" });
      expect(await objectsOnServer()).not.toContain(key);

      const created = putCalls.find((c) => c.command === "CreateMultipartUploadCommand");
      expect(created?.uploadId).toBeTruthy();
      const parts = putCalls.filter((c) => c.command === "UploadPartCommand" && c.uploadId === created!.uploadId);
      expect(parts.length).toBeGreaterThanOrEqual(2);
      expect(putCalls.filter((c) => c.command === "CompleteMultipartUploadCommand")).toEqual([]);
      // lib-storage aborts the multipart upload (leavePartsOnError: false), once the parts in flight ended.
      const aborts = putCalls.filter((c) => c.command === "AbortMultipartUploadCommand");
      expect(aborts.map((c) => c.uploadId)).toEqual([created!.uploadId]);
      expect(putCalls.at(-1)?.command).toBe("AbortMultipartUploadCommand");
      // s3rver 3.7.1 does not implement AbortMultipartUpload (DELETE ?uploadId= answers 405
      // MethodNotAllowed) nor ListMultipartUploads, so here the parts stay in its uploads folder; AWS
      // S3 answers 204 and drops them. The put still reports the source's failure (the refused abort
      // is its cause), and a bucket lifecycle rule (AbortIncompleteMultipartUpload) is the backstop
      // for aborts that fail — see docs/architecture.md.
      expect(aborts[0]!.error).toBe("MethodNotAllowed");
      expect((error as Error).cause).toMatchObject({ name: "MethodNotAllowed" });
      expect((await uploadsOnServer()).map((f) => f.split("/")[1])).toEqual(
        expect.arrayContaining([created!.uploadId]),
      );
      expect(new Set((await uploadsOnServer()).map((f) => f.split("/")[1]))).toEqual(new Set([created!.uploadId]));
    } finally {
      s3Store.client.middlewareStack.remove("recordCalls");
    }
  });

  it("maps a missing object to the filesystem store's ENOENT", async () => {
    const key = `raw-snp-files/customer-${randomUUID()}/missing`;
    const error = await store.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: "ENOENT" });
    const fsError = await genotypes
      .blobStoreFromConfig({ DATA_DIR: s3Dir })
      .get(key)
      .catch((e: unknown) => e);
    expect(fsError).toMatchObject({ code: "ENOENT" });
    expect(await store.exists(key)).toBe(false);
  });

  it("refuses keys that are not the application's own", async () => {
    for (const key of ["../etc/passwd", "/abs", "Raw/Upper", "a//b", "dots.txt"])
      await expect(store.put(key, Readable.from([])), key).rejects.toThrow(/Not a blob key/);
  });

  it("surfaces a missing bucket as the server's error, not as a missing blob", async () => {
    const elsewhere = genotypes.blobStoreFromConfig({
      DATA_DIR: s3Dir,
      S3_BUCKET: "no-such-bucket",
      S3_REGION: "us-east-1",
      S3_ENDPOINT: s3Env.S3_ENDPOINT,
      S3_FORCE_PATH_STYLE: true,
    });
    const key = "raw-snp-files/x/y";
    await expect(elsewhere.put(key, Readable.from([bytesOf(10, 1)]))).rejects.toMatchObject({ name: "NoSuchBucket" });
    const error = await elsewhere.get(key).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "NoSuchBucket" });
    expect(error).not.toMatchObject({ code: "ENOENT" });
  });
});

describe("the app with S3_* set", () => {
  let world: World;
  let server: Awaited<ReturnType<typeof startTestApp>>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-s3-app-"));
    const env = { DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:genotype-s3-${randomUUID().slice(0, 8)}:`, ...s3Env };
    world = await createWorld(env);
    server = await startTestApp(env);
    // The worker, in-process: the same handlers and configured blob store as apps/worker/src/main.ts.
    await registerJobProcessors({
      runtime: world.deps.runtime,
      db: world.deps.db,
      pool: world.deps.pool,
      log: silentLogger,
      workerId: "s3-test-worker",
      concurrency: 1,
      auditRetentionMonths: world.deps.config.AUDIT_RETENTION_MONTHS,
      blobs: genotypes.blobStoreFromConfig(world.deps.config),
    });
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("streams an upload into the bucket under raw-snp-files/customer-<id>/<upload id>; the ingest reads it back", async () => {
    const N = 12;
    const pop = simulatePopulation({ seed: 41, nAnimals: N, nSnps: 20_000, idPrefix: "S3" });
    const officialIds = Array.from({ length: N }, () => newOfficialId());
    for (const officialId of officialIds)
      await world.owner.query(
        `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
        [randomUUID(), world.customerA, officialId],
      );
    const report = concatBytes([...writeFinalReport(pop.panel, officialIds, pop.genotypes)]);
    expect(report.length).toBeGreaterThan(8 * MiB); // more than one part: a multipart upload through the app
    const tech = (await callerFor(world, world.usersA.technician.email)).caller;
    const panelId = await registerMapPanel(tech, formatMap(pop.panel), "S3 chip");

    const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    const q = new URLSearchParams({ customerId: world.customerA, panelId, fileName: "s3_FinalReport.txt" });
    const res = await fetch(`${url}/api/v1/genotypes/uploads?${q}`, {
      method: "POST",
      headers: {
        cookie: await sessionCookieFor(world, world.usersA.technician.email),
        origin: url,
        "content-type": "application/octet-stream",
      },
      body: report,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { upload } = (await res.json()) as { upload: { id: string; sha256: string; byteSize: number } };
    expect(upload).toMatchObject({ sha256: sha256(report), byteSize: report.length });

    // In the bucket, under the tenant's key, byte for byte — and nowhere on local disk (the staged
    // copy is gone).
    const key = `raw-snp-files/customer-${world.customerA}/${upload.id}`;
    const { rows } = await world.owner.query(`SELECT blob_key FROM genotype_uploads WHERE id = $1`, [upload.id]);
    expect(rows[0].blob_key).toBe(key);
    expect(await objectsOnServer()).toContain(key);
    expect(sha256(await readFile(path.join(s3Dir, BUCKET, `${key}._S3rver_object`)))).toBe(sha256(report));
    const localFiles = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
    expect(localFiles.map((d) => d.name)).toEqual([]);

    // The worker's ingest reads the file back from S3 and stores every genotype as simulated.
    let status = "";
    for (let i = 0; i < 600 && status !== "completed" && status !== "failed"; i++) {
      status = (await tech.genotypes.uploads.get({ uploadId: upload.id })).status;
      if (status !== "completed") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await tech.genotypes.uploads.get({ uploadId: upload.id })).toMatchObject({
      status: "completed",
      sampleCount: N,
      matchedCount: N,
      storedCount: N,
      errorMessage: null,
    });
    const stored = await world.owner.query(
      `SELECT a.official_id, g.packed FROM genotypes g JOIN animals a ON a.id = g.animal_id WHERE g.upload_id = $1`,
      [upload.id],
    );
    expect(stored.rows.length).toBe(N);
    for (const row of stored.rows) {
      const i = officialIds.indexOf(row.official_id as string);
      expect(new Uint8Array(row.packed as Buffer), row.official_id as string).toEqual(sampleRow(pop.genotypes, i));
    }
    // The bucket is shared; the tenant wall is the upload row, which another farm cannot reach.
    const techB = (await callerFor(world, world.usersB.technician.email)).caller;
    await expect(techB.genotypes.uploads.get({ uploadId: upload.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 120_000);
});

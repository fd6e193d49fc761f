// POST /api/v1/genotypes/uploads over real HTTP: a simulated FinalReport streamed as multipart or as
// application/octet-stream is stored byte for byte (SHA-256) and recorded once; a body over
// GENOTYPE_UPLOAD_MAX_MB sent without a Content-Length is cut off mid-stream with 413; a customer out
// of the caller's reach answers NOT_FOUND. Refused uploads leave no row and no blob (not even staged).
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { concatBytes, formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;
let prefix: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let panelId: string;
let report: Uint8Array;
let cookieA: string;
let cookieB: string;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const rowsOf = async (customerId: string) =>
  (await world.owner.query(`SELECT count(*)::int AS n FROM genotype_uploads WHERE customer_id = $1`, [customerId]))
    .rows[0].n as number;
const blobFiles = async () =>
  (await readdir(path.join(dataDir, "blobs"), { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((d) => d.isFile())
    .map((d) => path.relative(path.join(dataDir, "blobs"), path.join(d.parentPath, d.name)))
    .sort();

/** A body of unknown length (chunked): only the streaming cap can stop it. */
function chunked(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      const part = parts[i++];
      if (part) controller.enqueue(part);
      else controller.close();
    },
  });
}

function post(target: string, cookie: string, body: NonNullable<RequestInit["body"]>, contentType?: string) {
  return fetch(target, {
    method: "POST",
    headers: { cookie, origin: new URL(target).origin, ...(contentType ? { "content-type": contentType } : {}) },
    body,
    duplex: "half",
  } as RequestInit);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotype-stream-"));
  prefix = `test:genotype-stream-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  const pop = simulatePopulation({ seed: 7, nAnimals: 12, nSnps: 300, idPrefix: "STR" });
  report = concatBytes([
    ...writeFinalReport(
      pop.panel,
      pop.animals.map((a) => a.id),
      pop.genotypes,
    ),
  ]);
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "Stream chip");
  cookieA = await sessionCookieFor(world, world.usersA.technician.email);
  cookieB = await sessionCookieFor(world, world.usersB.technician.email);
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("POST /api/v1/genotypes/uploads", () => {
  it("stores a multipart FinalReport byte for byte and records it once", async () => {
    const form = () => {
      const fd = new FormData();
      fd.set("customerId", world.customerA);
      fd.set("panelId", panelId);
      fd.set("file", new File([report], "sim_FinalReport.txt"));
      return fd;
    };
    const res = await post(`${url}/api/v1/genotypes/uploads`, cookieA, form());
    expect(res.status, await res.clone().text()).toBe(201);
    const { upload, created } = (await res.json()) as {
      upload: { id: string; sha256: string; byteSize: number; format: string; originalFileName: string };
      created: boolean;
    };
    expect(created).toBe(true);
    expect(upload).toMatchObject({
      sha256: sha256(report),
      byteSize: report.length,
      format: "final_report",
      originalFileName: "sim_FinalReport.txt",
    });
    const key = path.join("raw-snp-files", `customer-${world.customerA}`, upload.id);
    expect(await blobFiles()).toEqual([key]);
    expect(sha256(await readFile(path.join(dataDir, "blobs", key)))).toBe(sha256(report));

    const again = await post(`${url}/api/v1/genotypes/uploads`, cookieA, form());
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false, upload: { id: upload.id } });
    expect(await blobFiles()).toEqual([key]);
  });

  it("takes application/octet-stream of unknown length with the fields in the query", async () => {
    const body = concatBytes([report, new TextEncoder().encode("\n")]);
    const q = new URLSearchParams({
      customerId: world.customerA,
      panelId,
      fileName: "raw.txt",
      idempotencyKey: `raw-${randomUUID()}`,
    });
    const halves = [body.subarray(0, 1000), body.subarray(1000)];
    const res = await post(
      `${url}/api/v1/genotypes/uploads?${q}`,
      cookieA,
      chunked(halves),
      "application/octet-stream",
    );
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({
      created: true,
      upload: { sha256: sha256(body), originalFileName: "raw.txt" },
    });
    expect((await blobFiles()).filter((f) => f.startsWith("upload-staging"))).toEqual([]);
  });

  it("refuses a customer outside the caller's reach with NOT_FOUND and stores nothing", async () => {
    const before = { rows: await rowsOf(world.customerA), blobs: await blobFiles() };
    const fd = new FormData();
    fd.set("customerId", world.customerA);
    fd.set("panelId", panelId);
    fd.set("file", new File([report, "\n\n"], "theirs.txt"));
    const res = await post(`${url}/api/v1/genotypes/uploads`, cookieB, fd);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "Customer not found" });
    const anonymous = await post(`${url}/api/v1/genotypes/uploads`, "", fd);
    expect(anonymous.status).toBe(401);
    expect(await rowsOf(world.customerA)).toBe(before.rows);
    expect(await blobFiles()).toEqual(before.blobs);
  });

  it("cuts off a body over GENOTYPE_UPLOAD_MAX_MB mid-stream with 413: no row, no blob", async () => {
    const small = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix, GENOTYPE_UPLOAD_MAX_MB: "1" });
    try {
      const smallUrl = await small.app.listen({ host: "127.0.0.1", port: 0 });
      const before = { rows: await rowsOf(world.customerA), blobs: await blobFiles() };
      const filler = new Uint8Array(256 * 1024).fill(0x41);
      const big = [report, ...Array.from({ length: 8 }, () => filler)]; // ~2 MB, no Content-Length
      const q = new URLSearchParams({ customerId: world.customerA, panelId, fileName: "big.txt" });
      const raw = await post(
        `${smallUrl}/api/v1/genotypes/uploads?${q}`,
        cookieA,
        chunked(big),
        "application/octet-stream",
      );
      expect(raw.status).toBe(413);
      expect(await raw.json()).toMatchObject({ error: expect.stringMatching(/larger than the 1 MB limit/) });

      const boundary = `----b${randomUUID()}`;
      const enc = new TextEncoder();
      const head = enc.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="customerId"\r\n\r\n${world.customerA}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="panelId"\r\n\r\n${panelId}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n` +
          `Content-Type: text/plain\r\n\r\n`,
      );
      const tail = enc.encode(`\r\n--${boundary}--\r\n`);
      const multi = await post(
        `${smallUrl}/api/v1/genotypes/uploads`,
        cookieA,
        chunked([head, ...big, tail]),
        `multipart/form-data; boundary=${boundary}`,
      );
      expect(multi.status).toBe(413);
      // A declared Content-Length over the limit is refused before the body is read.
      const declared = await small.app.inject({
        method: "POST",
        url: `/api/v1/genotypes/uploads?${q}`,
        headers: {
          cookie: cookieA,
          origin: "http://localhost",
          host: "localhost",
          "content-type": "application/octet-stream",
        },
        payload: Buffer.alloc(3 * 1024 * 1024, 0x41),
      });
      expect(declared.statusCode).toBe(413);
      expect(await rowsOf(world.customerA)).toBe(before.rows);
      expect(await blobFiles()).toEqual(before.blobs);
    } finally {
      await small.close();
    }
  });
});

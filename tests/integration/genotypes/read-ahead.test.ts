// The genotype-read-ahead job (domain genotypes/read-ahead.ts) behind POST /api/v1/genotypes/uploads:
// the route spools the body under the upload's id chosen up front and enqueues the job first; the job
// parses the spool while the body still arrives and, once the upload is recorded, stores exactly
// the file's genotypes. Shown here with a body held open halfway: reading progress is published
// before the last byte is sent. Then the genotype-ingest job finds the upload completed and changes
// nothing. A repeated file, a refused file and a body broken off mid-way end the read-ahead with
// nothing written and no spool left.
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { genotypeReadAheadQueue } from "@reprotech/cache";
import { genotypes } from "@reprotech/domain";
import {
  bytesPerSample,
  concatBytes,
  formatMap,
  readFinalReport,
  simulatePopulation,
  writeFinalReport,
} from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { insertAnimals, registerMapPanel } from "./support";

const N_SAMPLES = 12;
const N_SNPS = 4_000; // ≈2 MB of FinalReport: more than the parse thread's 1 MB chunk

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let cookie: string;
let panelId: string;
let report: Uint8Array;
let animalIdOf: Map<string, string>;
/** What each read-ahead job ended with, by upload id. */
const outcomes = new Map<string, genotypes.ReadAheadOutcome>();
const pop = simulatePopulation({ seed: 5, nAnimals: N_SAMPLES, nSnps: N_SNPS, nGenerations: 1 });

const blobsRoot = () => path.join(dataDir, "blobs");
const spools = async () => readdir(path.join(blobsRoot(), "upload-staging")).catch(() => [] as string[]);
const count = async (sql: string, params: unknown[] = []) => Number((await world.owner.query(sql, params)).rows[0].n);
const uploadRows = (id: string) => count(`SELECT count(*) AS n FROM genotype_uploads WHERE id = $1`, [id]);
const genotypeRows = () => count(`SELECT count(*) AS n FROM genotypes WHERE customer_id = $1`, [world.customerA]);

/** POSTs `body` as the file; the request runs while the caller keeps feeding the stream. */
function post(body: ReadableStream<Uint8Array> | Uint8Array, signal?: AbortSignal) {
  const q = new URLSearchParams({ customerId: world.customerA, panelId, fileName: "plate.txt" });
  return fetch(`${url}/api/v1/genotypes/uploads?${q}`, {
    method: "POST",
    headers: { cookie, origin: new URL(url).origin, "content-type": "application/octet-stream" },
    body,
    duplex: "half",
    signal,
  } as RequestInit);
}

/** A body the test sends piece by piece. */
function heldBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return { stream, send: (bytes: Uint8Array) => controller.enqueue(bytes), end: () => controller.close() };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

/** The id of the one upload being spooled now (the spool is named after it). */
const spooledId = () => until("a spool", async () => (await spools())[0]);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-read-ahead-"));
  const env = { DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:read-ahead-${randomUUID().slice(0, 8)}:` };
  world = await createWorld(env);
  server = await startTestApp(env);
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  const officialIds = pop.animals.map(() => newOfficialId());
  animalIdOf = await insertAnimals(world, world.customerA, officialIds);
  report = concatBytes([...writeFinalReport(pop.panel, officialIds, pop.genotypes)]);
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "Read-ahead chip");
  cookie = await sessionCookieFor(world, world.usersA.technician.email);
  // The worker's read-ahead, in this process, on the queue the app enqueues to.
  const store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir }) as genotypes.FileBlobStore;
  server.runtime.queues.process(
    genotypeReadAheadQueue,
    async (payload) => {
      const timing = { idleMs: 2_000, recordWaitMs: 5_000 };
      outcomes.set(
        payload.uploadId,
        await genotypes.readAheadUpload(world.deps.db, store, payload, server.runtime, timing),
      );
    },
    { concurrency: 1 },
  );
}, 120_000);
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("genotype read-ahead", () => {
  it("parses the body as it arrives and stores exactly the file's genotypes once the upload is recorded", async () => {
    const body = heldBody();
    const response = post(body.stream);
    const half = Math.floor(report.length * 0.75);
    body.send(report.subarray(0, half));
    const uploadId = await spooledId();

    // Before the rest is sent, the job has parsed part of the file and says so on the upload's channel.
    const events: genotypes.UploadProgress[] = [];
    const unsubscribe = await server.runtime.pubsub.subscribe(
      genotypes.progressChannel(world.customerA, uploadId),
      (e) => events.push(e as genotypes.UploadProgress),
    );
    const early = await until("reading progress", () => events.find((e) => e.phase === "reading" && e.bytesRead > 0));
    expect(early.bytesRead).toBeLessThanOrEqual(half);
    expect(outcomes.has(uploadId)).toBe(false);

    body.send(report.subarray(half));
    body.end();
    const res = await response;
    expect(res.status, await res.clone().text()).toBe(201);
    const { upload } = (await res.json()) as { upload: { id: string } };
    expect(upload.id).toBe(uploadId);

    const outcome = await until("the read-ahead", () => outcomes.get(uploadId));
    expect(outcome).toEqual({
      status: "completed",
      sampleCount: N_SAMPLES,
      matchedCount: N_SAMPLES,
      storedCount: N_SAMPLES,
    });
    await unsubscribe();
    expect(events.at(-1)).toMatchObject({ phase: "completed", storedCount: N_SAMPLES });

    // Every stored genotype is the library's own parse of the file.
    const direct = await readFinalReport([report], { panel: pop.panel });
    const stride = bytesPerSample(N_SNPS);
    const { rows } = await world.owner.query(
      `SELECT animal_id::text AS "animalId", packed FROM genotypes WHERE upload_id = $1`,
      [uploadId],
    );
    expect(rows).toHaveLength(N_SAMPLES);
    const packedOf = new Map(rows.map((r) => [r.animalId as string, new Uint8Array(r.packed as Buffer)]));
    direct.sampleIds.forEach((sampleId, i) =>
      expect(packedOf.get(animalIdOf.get(sampleId)!)).toEqual(
        direct.genotypes.data.subarray(i * stride, (i + 1) * stride),
      ),
    );

    // The genotype-ingest job then finds it done and writes nothing more.
    const before = await genotypeRows();
    const store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
    const again = await genotypes.ingestWithProgress(
      world.deps.db,
      store,
      { uploadId, customerId: world.customerA },
      server.runtime,
    );
    expect(again.status).toBe("skipped");
    expect(await genotypeRows()).toBe(before);
    expect(await spools()).toEqual([]);
  });

  it("ends with nothing written for a repeated file, a refused file and a body broken off", async () => {
    const genotypesBefore = await genotypeRows();
    const uploadsBefore = await count(`SELECT count(*) AS n FROM genotype_uploads`);
    const ended = async () => {
      const id = await spooledId();
      return { id, outcome: await until("the read-ahead", () => outcomes.get(id)) };
    };

    // The same bytes again: answered with the earlier upload; the new id is never recorded.
    const repeated = post(report);
    const first = await ended();
    expect((await repeated).status).toBe(200);
    expect(first.outcome.status).toBe("not-read");
    expect(await uploadRows(first.id)).toBe(0);

    // Not a genotype file (binary): refused at the upload.
    const binary = new Uint8Array(3 << 20).fill(7);
    const refused = post(binary);
    const second = await ended();
    expect((await refused).status).toBe(400);
    expect(second.outcome).toMatchObject({ status: "not-read" });
    expect(await uploadRows(second.id)).toBe(0);

    // A client that gives up halfway: the spool is deleted and the read-ahead stops following it.
    const abort = new AbortController();
    const body = heldBody();
    const broken = post(body.stream, abort.signal).catch((error: unknown) => error);
    body.send(report.subarray(0, report.length >> 1));
    const id = await spooledId();
    abort.abort();
    expect(await broken).toBeInstanceOf(Error);
    const outcome = await until("the read-ahead", () => outcomes.get(id));
    expect(outcome).toMatchObject({ status: "not-read", reason: expect.stringMatching(/deleted/) });
    expect(await uploadRows(id)).toBe(0);

    expect(await genotypeRows()).toBe(genotypesBefore);
    expect(await count(`SELECT count(*) AS n FROM genotype_uploads`)).toBe(uploadsBefore);
    expect(await until("no spool left", async () => ((await spools()).length === 0 ? true : undefined))).toBe(true);
  });
});

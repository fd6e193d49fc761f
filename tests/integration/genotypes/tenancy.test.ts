// Genotype uploads and farms: what tenancy/cross-tenant.test.ts (uploads list/get/samples,
// forAnimal, assignSample for every role of B), upload.test.ts and stream.test.ts (B's staff uploading
// for A) and progress.test.ts (B's technician subscribing) do not cover:
// - a customer user or customer admin of farm B uploading for farm A, through tRPC and over HTTP:
//   refused, no row, no blob;
// - an idempotency key farm A used, reused by farm B: B gets its own upload, never A's;
// - a file uploaded for A that names B's animals: matched to nobody (the message names only A's farm),
//   no genotype for B's animals, nothing in B's genotype summaries;
// - the progress subscription of A's completed upload (its final state, with A's sample IDs, is
//   cached) refused to every role of B, under A's customer id and under B's; A's own user gets it.
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypes } from "@reprotech/domain";
import { createReprotechClient } from "@reprotech/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { expectFailure, newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let store: genotypes.BlobStore;
let panelId: string;
/** An animal of each farm. */
let animalA: { id: string; officialId: string };
let animalB: { id: string; officialId: string };

const SNPS = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"];
const CALLS = ["AA", "AB", "BB", "AB", "AA", "BB", "AB", "AA"];

function finalReport(sampleIds: string[]): string {
  const rows = sampleIds.flatMap((id) => SNPS.map((snp, j) => `${snp},${id},${CALLS[j]![0]},${CALLS[j]![1]},0.9`));
  return ["[Header]", "[Data]", "SNP Name,Sample ID,Allele1 - AB,Allele2 - AB,GC Score", ...rows, ""].join("\n");
}

function form(customerId: string, content: string, idempotencyKey?: string) {
  const fd = new FormData();
  fd.set("customerId", customerId);
  fd.set("panelId", panelId);
  fd.set("file", new File([content], "report.txt"));
  if (idempotencyKey) fd.set("idempotencyKey", idempotencyKey);
  return fd;
}

const uploadRows = async (customerId: string) =>
  (await world.owner.query(`SELECT count(*)::int AS n FROM genotype_uploads WHERE customer_id = $1`, [customerId]))
    .rows[0].n as number;
async function blobFiles(): Promise<string[]> {
  const root = path.join(dataDir, "blobs");
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

async function insertAnimal(customerId: string) {
  const a = { id: randomUUID(), officialId: newOfficialId() };
  await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
    [a.id, customerId, a.officialId],
  );
  return a;
}

/** The SDK signed in with a session cookie, as the SPA is. */
function sdkAs(cookie: string) {
  return createReprotechClient({
    url,
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("cookie", cookie);
      headers.set("origin", url);
      return fetch(input, { ...init, headers });
    },
  });
}

/** Every event of the progress subscription until it ends, or the error it ends with. */
function progressEvents(cookie: string, input: { customerId: string; uploadId: string }) {
  const events: genotypes.UploadProgress[] = [];
  return new Promise<{ events: genotypes.UploadProgress[]; error?: { code?: string } }>((resolve) => {
    const sub = sdkAs(cookie).genotypes.uploads.progress.subscribe(input, {
      onData: (data) => events.push(data as genotypes.UploadProgress),
      onError: (error) => {
        sub.unsubscribe();
        resolve({ events, error: { code: (error as { data?: { code?: string } }).data?.code } });
      },
      onComplete: () => resolve({ events }),
    });
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotype-tenancy-"));
  const prefix = `test:genotype-tenancy-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(
    tech,
    SNPS.map((s, i) => `1 ${s} 0 ${(i + 1) * 1000}`).join("\n") + "\n",
    "Tenancy chip",
  );
  animalA = await insertAnimal(world.customerA);
  animalB = await insertAnimal(world.customerB);
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("uploading for another farm", () => {
  for (const role of ["customer_user", "customer_admin"] as const) {
    it(`refuses ${role} of farm B uploading for farm A (tRPC and HTTP): no row, no blob`, async () => {
      const before = { rows: await uploadRows(world.customerA), blobs: await blobFiles() };
      const { caller } = await callerFor(world, world.usersB[role].email);
      await expectFailure(
        caller.genotypes.upload(form(world.customerA, finalReport([animalA.officialId]))),
        "FORBIDDEN",
        /^You do not have permission to do this \(genotypes\.upload\)$/,
      );
      const res = await fetch(`${url}/api/v1/genotypes/uploads`, {
        method: "POST",
        headers: { cookie: await sessionCookieFor(world, world.usersB[role].email), origin: url },
        body: form(world.customerA, finalReport([animalA.officialId, "HTTP"])),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: "You do not have permission to do this (genotypes.upload)" });
      expect(await uploadRows(world.customerA)).toBe(before.rows);
      // Refused before a byte of the body is read: not even a staged copy was written.
      expect(await blobFiles()).toEqual(before.blobs);
    });
  }

  it("gives farm B its own upload for an idempotency key farm A used, never A's", async () => {
    const techA = (await callerFor(world, world.usersA.technician.email)).caller;
    const techB = (await callerFor(world, world.usersB.technician.email)).caller;
    const key = `plate-${randomUUID().slice(0, 8)}`;
    const a = await techA.genotypes.upload(form(world.customerA, finalReport(["KEY-A"]), key));
    const b = await techB.genotypes.upload(form(world.customerB, finalReport(["KEY-B"]), key));
    expect(a.created).toBe(true);
    expect(b.created).toBe(true);
    expect(b.upload).toMatchObject({ customerId: world.customerB, idempotencyKey: key });
    expect(b.upload.id).not.toBe(a.upload.id);
    // And the key is still A's own: a retry by A answers with A's upload.
    const again = await techA.genotypes.upload(form(world.customerA, finalReport(["KEY-A2"]), key));
    expect(again).toEqual({ upload: a.upload, created: false });
  });
});

describe("a file uploaded for farm A that names farm B's animals", () => {
  it("matches them to nobody and stores no genotype for them", async () => {
    const techA = (await callerFor(world, world.usersA.technician.email)).caller;
    const { upload } = await techA.genotypes.upload(
      form(world.customerA, finalReport([animalA.officialId, animalB.officialId])),
    );
    const outcome = await genotypes.ingestUpload(world.deps.db, store, {
      uploadId: upload.id,
      customerId: world.customerA,
    });
    expect(outcome).toEqual({ status: "completed", sampleCount: 2, matchedCount: 1, storedCount: 1 });
    const samples = await techA.genotypes.uploads.samples({ customerId: world.customerA, uploadId: upload.id });
    expect(samples.find((s) => s.sampleId === animalB.officialId)).toMatchObject({
      animalId: null,
      officialId: null,
      outcome: "unmatched",
      messages: [`no animal of this farm has the official ID or herd tag ${animalB.officialId}`],
    });
    const stored = await world.owner.query(`SELECT customer_id, animal_id FROM genotypes WHERE upload_id = $1`, [
      upload.id,
    ]);
    expect(stored.rows).toEqual([{ customer_id: world.customerA, animal_id: animalA.id }]);
    const none = await world.owner.query(`SELECT count(*)::int AS n FROM genotypes WHERE animal_id = $1`, [animalB.id]);
    expect(none.rows[0].n).toBe(0);
    const techB = (await callerFor(world, world.usersB.technician.email)).caller;
    expect(await techB.genotypes.forAnimal({ animalId: animalB.id })).toMatchObject({ current: [], history: [] });
  });
});

describe("progress events of farm A's upload", () => {
  it("are refused to every role of farm B, with A's final state cached; A's own user gets them", async () => {
    const techA = (await callerFor(world, world.usersA.technician.email)).caller;
    const { upload } = await techA.genotypes.upload(form(world.customerA, finalReport([animalA.officialId, "PRIV"])));
    const input = { customerId: world.customerA, uploadId: upload.id };
    // As the worker runs it: the final state (with A's sample IDs) is published and cached.
    const outcome = await genotypes.ingestWithProgress(world.deps.db, store, input, world.deps.runtime);
    expect(outcome.status).toBe("completed");

    const own = await progressEvents(await sessionCookieFor(world, world.usersA.customer_user.email), input);
    expect(own.error).toBeUndefined();
    expect(own.events).toHaveLength(1);
    expect(own.events[0]).toMatchObject({ phase: "completed", uploadId: upload.id, sampleCount: 2 });
    expect(own.events[0]!.samples!.map((s) => s.sampleId).sort()).toEqual([animalA.officialId, "PRIV"].sort());

    for (const role of ["customer_admin", "customer_user", "veterinarian", "technician", "researcher"] as const) {
      const cookie = await sessionCookieFor(world, world.usersB[role].email);
      for (const customerId of [world.customerA, world.customerB]) {
        const got = await progressEvents(cookie, { customerId, uploadId: upload.id });
        expect(got.events, `${role} of B, customer ${customerId === world.customerA ? "A" : "B"}`).toEqual([]);
        expect(["NOT_FOUND", "FORBIDDEN"]).toContain(got.error?.code);
      }
    }
  });
});

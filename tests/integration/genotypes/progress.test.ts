// genotypes.uploads.progress over real HTTP (SSE through the SDK's httpSubscriptionLink): the current
// state first, then the ingest's live progress — published by another runtime, so it crosses Redis
// pub/sub as it would from a worker process — to a final completed state with the per-sample results;
// a late subscriber gets the final state at once; customer B's staff cannot subscribe to A's upload.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypes } from "@reprotech/domain";
import { concatBytes, formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { createReprotechClient } from "@reprotech/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let panelId: string;
let report: Uint8Array;
let cookieA: string;
let cookieB: string;
const N = 40;
const officialIds: string[] = [];

/** The SDK, signed in with a session cookie (the SPA's credential) instead of a token. */
function clientWith(cookie: string) {
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

function follow(client: ReturnType<typeof clientWith>, input: { customerId: string; uploadId: string }) {
  const events: genotypes.UploadProgress[] = [];
  let first: () => void = () => {};
  const firstEvent = new Promise<void>((resolve) => (first = resolve));
  const done = new Promise<void>((resolve, reject) => {
    const sub = client.genotypes.uploads.progress.subscribe(input, {
      onData: (data) => {
        events.push(data as genotypes.UploadProgress);
        first();
      },
      onError: (error) => {
        sub.unsubscribe();
        reject(error);
      },
      onComplete: () => resolve(),
    });
  });
  return { events, firstEvent, done };
}

async function upload(cookie: string, bytes: Uint8Array) {
  const fd = new FormData();
  fd.set("customerId", world.customerA);
  fd.set("panelId", panelId);
  fd.set("file", new File([bytes], "sim_FinalReport.txt"));
  const res = await fetch(`${url}/api/v1/genotypes/uploads`, {
    method: "POST",
    headers: { cookie, origin: url },
    body: fd,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { upload: { id: string; byteSize: number } }).upload;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotype-progress-"));
  const prefix = `test:genotype-progress-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  const pop = simulatePopulation({ seed: 11, nAnimals: N, nSnps: 1000, idPrefix: "PRG" });
  // The first ten samples are animals of customer A (by official ID), the rest match nobody.
  for (let i = 0; i < 10; i++) {
    const officialId = newOfficialId();
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
      [randomUUID(), world.customerA, officialId],
    );
    officialIds.push(officialId);
  }
  const ids = pop.animals.map((a, i) => officialIds[i] ?? a.id);
  report = concatBytes([...writeFinalReport(pop.panel, ids, pop.genotypes)]);
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "Progress chip");
  cookieA = await sessionCookieFor(world, world.usersA.technician.email);
  cookieB = await sessionCookieFor(world, world.usersB.technician.email);
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("genotypes.uploads.progress", () => {
  it("streams the current state, the ingest's progress and the final per-sample state", async () => {
    const up = await upload(cookieA, report);
    const input = { customerId: world.customerA, uploadId: up.id };
    const sub = follow(clientWith(cookieA), input);
    await sub.firstEvent;
    expect(sub.events[0]).toMatchObject({ phase: "queued", bytesRead: 0, totalBytes: up.byteSize });

    // The job as the worker runs it, on its own runtime (its own Redis connections).
    const store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
    const outcome = await genotypes.ingestWithProgress(world.deps.db, store, input, world.deps.runtime);
    expect(outcome).toMatchObject({ status: "completed", sampleCount: N, matchedCount: 10 });
    await sub.done;

    const phases = sub.events.map((e) => e.phase);
    expect(phases[0]).toBe("queued");
    expect(phases).toContain("reading");
    expect(phases.at(-1)).toBe("completed");
    const rank = { queued: 0, reading: 1, storing: 2, completed: 3, failed: 3 };
    for (let i = 1; i < sub.events.length; i++) {
      const [a, b] = [sub.events[i - 1]!, sub.events[i]!];
      expect(rank[b.phase]).toBeGreaterThanOrEqual(rank[a.phase]);
      if (a.phase === b.phase) expect(b.bytesRead).toBeGreaterThanOrEqual(a.bytesRead);
    }
    const final = sub.events.at(-1)!;
    expect(final).toMatchObject({
      bytesRead: up.byteSize,
      samplesDone: N,
      sampleCount: N,
      matchedCount: 10,
      errorMessage: null,
    });
    expect(final.samples).toHaveLength(N);
    expect(final.samples!.filter((s) => s.animalId !== null).map((s) => s.sampleId)).toEqual([...officialIds].sort());

    // A subscriber arriving later gets the final state at once and the stream ends.
    const late = follow(clientWith(cookieA), input);
    await late.done;
    expect(late.events).toHaveLength(1);
    expect(late.events[0]).toMatchObject({ phase: "completed", samplesDone: N });
  });

  it("refuses customer B's staff (NOT_FOUND) for A's customer and for A's upload under B", async () => {
    const up = await upload(cookieA, concatBytes([report, new TextEncoder().encode("\n")]));
    const asB = clientWith(cookieB);
    await expect(follow(asB, { customerId: world.customerA, uploadId: up.id }).done).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    const underB = follow(asB, { customerId: world.customerB, uploadId: up.id });
    await expect(underB.done).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(underB.events).toEqual([]);
  });
});

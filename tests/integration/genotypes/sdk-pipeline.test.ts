// Must-show 1 of the genotyping pipeline, end to end over HTTP: a lab machine's SDK client (API token)
// streams a generated 96-sample × 60K-SNP FinalReport to the server, the BUILT worker process
// (apps/worker/dist, parsing in its genotype-parse worker thread) ingests it, and the SDK's progress
// subscription follows it. Afterwards every stored genotype — the packed bytes in the genotypes table,
// per animal — equals the genomics library's direct parse of the same file, and the progress events
// moved forward only: bytes read rising while reading, samples done rising while storing, then a
// final completed state with the counts.
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { genotypes } from "@reprotech/domain";
import {
  bytesPerSample,
  formatMap,
  readFinalReport,
  runQc,
  simulatePopulation,
  writeFinalReport,
} from "@reprotech/genomics";
import { createReprotechClient, followUploadProgress, uploadGenotypeFile } from "@reprotech/sdk";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, type World } from "../../support/identity";
import { repoRoot, startWorker, type RunningServer } from "../../support/server";
import { newOfficialId } from "../animals/support";
import { insertAnimals, registerMapPanel } from "./support";

const N_SAMPLES = 96;
const N_SNPS = 60_000;

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let worker: RunningServer | undefined;
let url: string;
let token: string;
let panelId: string;
let reportPath: string;
const prefix = `test:sdk-pipeline-${randomUUID().slice(0, 8)}:`;
const officialIds: string[] = [];
let animalIdOf: Map<string, string>;
const pop = simulatePopulation({ seed: 96, nAnimals: N_SAMPLES, nSnps: N_SNPS, nGenerations: 1, idPrefix: "SDK" });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-sdk-pipeline-"));
  const env = { DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix };
  world = await createWorld(env);
  server = await startTestApp(env);
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  worker = await startWorker({
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    ...env,
  });

  for (let i = 0; i < N_SAMPLES; i++) officialIds.push(newOfficialId());
  animalIdOf = await insertAnimals(world, world.customerA, officialIds);
  // The file is written as a stream: 96 × 60K rows are ≈150 MB of text.
  reportPath = path.join(dataDir, "plate_FinalReport.txt");
  await pipeline(
    Readable.from(writeFinalReport(pop.panel, officialIds, pop.genotypes, { alleleSets: ["ab", "top"] })),
    createWriteStream(reportPath),
  );

  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "SDK pipeline chip");
  const admin = (await callerFor(world, world.usersA.admin.email)).caller;
  token = (
    await admin.apiTokens.create({
      customerId: world.customerA,
      name: "plate reader",
      permissions: ["genotypes.read", "genotypes.upload"],
    })
  ).token;
}, 180_000);
afterAll(async () => {
  if (worker) await worker.stop();
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("a 96-sample FinalReport through the SDK, the server and the built worker", () => {
  it("stores exactly the library's parse of every sample, with forward-only progress to a completed state", async () => {
    // The bundle ships the parse thread's entry beside main.js (tsup.app.ts), or the worker could not parse.
    expect(existsSync(path.join(repoRoot, "apps/worker/dist", `${genotypes.PARSE_WORKER_BUNDLE}.js`))).toBe(true);
    const size = (await stat(reportPath)).size;
    // Everything published on the farm's upload channels, from before the upload: the SDK client can
    // only subscribe once the upload has answered, and by then the read-ahead has read most of it.
    const published: { channel: string; event: genotypes.UploadProgress }[] = [];
    const listener = new Redis(inject("redisUrl"));
    listener.on("pmessage", (_pattern, channel: string, raw: string) =>
      published.push({ channel, event: (JSON.parse(raw) as { json: genotypes.UploadProgress }).json }),
    );
    const channelOfAny = genotypes.progressChannel(world.customerA, "UPLOAD").replace(/UPLOAD$/, "*");
    await listener.psubscribe(`${prefix}${channelOfAny}`);
    const transferred: number[] = [];
    const { upload, created } = await uploadGenotypeFile({
      url,
      token,
      customerId: world.customerA,
      panelId,
      fileName: "plate_FinalReport.txt",
      body: createReadStream(reportPath),
      size,
      onTransfer: (sent) => transferred.push(sent),
    });
    expect(created).toBe(true);
    expect(upload).toMatchObject({ format: "final_report", byteSize: size });
    expect(transferred.at(-1)).toBe(size);

    const client = createReprotechClient({ url, token });
    const events: genotypes.UploadProgress[] = [];
    const final = await followUploadProgress(client, { customerId: world.customerA, uploadId: upload.id }, (e) =>
      events.push(e as genotypes.UploadProgress),
    );
    expect(final, worker!.output().slice(-4000)).toMatchObject({
      phase: "completed",
      bytesRead: size,
      totalBytes: size,
      samplesDone: N_SAMPLES,
      sampleCount: N_SAMPLES,
      matchedCount: N_SAMPLES,
      errorMessage: null,
    });
    expect(final.samples).toHaveLength(N_SAMPLES);

    // Forward only: each event is progress on the one before (later phase, or more of the same).
    for (let i = 1; i < events.length; i++) {
      expect(genotypes.isProgress(events[i - 1], events[i]!), JSON.stringify(events.slice(i - 1, i + 1))).toBe(true);
      expect(events[i]!.bytesRead).toBeGreaterThanOrEqual(events[i - 1]!.bytesRead);
      expect(events[i]!.samplesDone).toBeGreaterThanOrEqual(events[i - 1]!.samplesDone);
    }
    // Bytes read rose during the read (the parse thread's consumption, not one jump to the end), as
    // published on the upload's channel …
    await listener.quit();
    const reading = published
      .filter((p) => p.channel.endsWith(upload.id) && p.event.phase === "reading")
      .map((p) => p.event.bytesRead);
    expect(new Set(reading.filter((b) => b > 0 && b < size)).size).toBeGreaterThanOrEqual(2);
    expect(reading).toEqual([...reading].sort((a, b) => a - b));
    // … and samples done during storing, up to all of them at the end.
    const storing = events.filter((e) => e.phase === "storing");
    expect(storing.length).toBeGreaterThanOrEqual(1);
    for (const e of storing) expect(e).toMatchObject({ bytesRead: size, sampleCount: N_SAMPLES });
    expect(storing[0]!.samplesDone).toBeLessThan(N_SAMPLES);
    expect(events.at(-1)).toEqual(final);

    // The library's own parse of the same file on the same panel.
    const direct = await readFinalReport(createReadStream(reportPath), { panel: pop.panel });
    const stride = bytesPerSample(N_SNPS);
    const qc = runQc(direct.genotypes);
    const expected = new Map<string, Uint8Array>();
    direct.sampleIds.forEach((id, i) => {
      if (qc.samples.callRate[i]! >= genotypes.MIN_CALL_RATE)
        expected.set(animalIdOf.get(id)!, direct.genotypes.data.subarray(i * stride, (i + 1) * stride));
    });
    expect(expected.size).toBeGreaterThan(N_SAMPLES * 0.9);
    expect(final.storedCount).toBe(expected.size);

    const { rows } = await world.owner.query(
      `SELECT animal_id::text AS "animalId", packed, is_current AS "isCurrent" FROM genotypes WHERE upload_id = $1`,
      [upload.id],
    );
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const want = expected.get(row.animalId as string);
      expect(want, `unexpected genotype for animal ${row.animalId}`).toBeDefined();
      expect(row.isCurrent).toBe(true);
      expect(Buffer.compare(row.packed as Buffer, want!), `packed genotype of animal ${row.animalId}`).toBe(0);
    }
  }, 300_000);
});

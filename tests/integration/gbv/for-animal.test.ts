// Must-show 3 and the cross-tenant wall for predictions. A published model is present; a FinalReport
// of ten new animals goes through the real pipeline (genotypes.upload → the genotype-ingest job run by
// the registered job processors, whose jobs.ts hook scores the stored genotypes) and gbv.forAnimal
// answers with their GBVs in the same test — no batch run. The cache is shown to be in use (a value
// changed behind its back is not seen), then a new model version with other effects is published:
// forAnimal answers change, the old value is in history, and the cached answer is not served.
// A customer user of another farm, or a researcher (consenting customers only), gets NOT_FOUND.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gbvScoreQueue, genotypeIngestQueue } from "@reprotech/cache";
import { silentLogger } from "@reprotech/core";
import { withTenant } from "@reprotech/db";
import { gbv, genotypes, registerJobProcessors } from "@reprotech/domain";
import {
  bytesPerSample,
  concatBytes,
  daetwylerReliability,
  scoreGenotypes,
  writeFinalReport,
  type PackedMatrix,
} from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import {
  effectsCsv,
  importForm,
  registerPanel,
  simulatedHerdPopulation,
  storeHerd,
  traitId,
  waitForJobs,
  type Herd,
} from "./models-support";

let world: World;
let dataDir: string;
let herd: Herd;
let milk: string;
const REFERENCE = 50;
const NEW = 10;
const newAnimals: { id: string; officialId: string; row: number }[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-animal-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-animal-${process.pid}-${Date.now()}:` });
  await registerJobProcessors({
    runtime: world.deps.runtime,
    db: world.deps.db,
    pool: world.deps.pool,
    log: silentLogger,
    workerId: "gbv-animal-test",
    concurrency: 1,
    auditRetentionMonths: world.deps.config.AUDIT_RETENTION_MONTHS,
    blobs: genotypes.blobStoreFromConfig(world.deps.config),
  });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const pop = simulatedHerdPopulation(11, REFERENCE + NEW, 1201);
  const panelId = await registerPanel(tech, pop, "Animal chip");
  // The first REFERENCE animals are already genotyped (both farms); the last NEW arrive by upload.
  const reference = { ...pop, animals: pop.animals.slice(0, REFERENCE) };
  herd = await storeHerd(world, reference, panelId, [world.customerA, world.customerB]);
  for (let i = REFERENCE; i < REFERENCE + NEW; i++) {
    const a = { id: randomUUID(), officialId: newOfficialId(), row: i };
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2023-01-01', now())`,
      [a.id, world.customerA, a.officialId],
    );
    newAnimals.push(a);
  }
  milk = await traitId(world, "milk_production");
}, 120_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const effectOf = (version: number, j: number) => Math.cos(j * (version + 1.7)) * 0.01 * version;

async function importAndPublish(version: number) {
  const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
  const lines = herd.pop.panel.markers.map((m, j) => ({ snp: m.name, effect: effectOf(version, j), allele: m.b }));
  const imported = await researcher.gbv.models.import(
    importForm(
      { traitId: milk, panelId: herd.panelId, referenceSize: "1000" },
      effectsCsv(lines, { intercept: version }),
    ),
  );
  await researcher.gbv.models.publish({ modelId: imported.modelId });
  return imported;
}

/** The library kernel's GEBV of simulated animal `row` under the model as stored. */
async function expected(modelId: string, row: number): Promise<number> {
  const { rows } = await world.owner.query(`SELECT effects, allele_freqs, intercept FROM gbv_models WHERE id = $1`, [
    modelId,
  ]);
  const stride = bytesPerSample(herd.pop.genotypes.nSnps);
  const m: PackedMatrix = {
    nSamples: 1,
    nSnps: herd.pop.genotypes.nSnps,
    data: herd.pop.genotypes.data.slice(row * stride, (row + 1) * stride),
  };
  const effects = gbv.decodeFloat64(new Uint8Array(rows[0].effects));
  const p = gbv.decodeFloat64(new Uint8Array(rows[0].allele_freqs));
  return scoreGenotypes(m, p, [effects], { intercepts: [rows[0].intercept] })[0]!;
}

describe("gbv.forAnimal", () => {
  let v1: Awaited<ReturnType<typeof importAndPublish>>;

  it("shows an ingested animal's GBVs in the same test, scored by the ingest job without a batch run", async () => {
    v1 = await importAndPublish(1);
    await waitForJobs(world, gbvScoreQueue, 1); // the reference herd's batch scoring, before the upload

    const tech = (await callerFor(world, world.usersA.technician.email)).caller;
    const rows = newAnimals.map((a) => a.row);
    const stride = bytesPerSample(herd.pop.genotypes.nSnps);
    const data = new Uint8Array(rows.length * stride);
    rows.forEach((r, i) => data.set(herd.pop.genotypes.data.subarray(r * stride, (r + 1) * stride), i * stride));
    const matrix = { nSamples: rows.length, nSnps: herd.pop.genotypes.nSnps, data };
    const report = concatBytes([
      ...writeFinalReport(
        herd.pop.panel,
        newAnimals.map((a) => a.officialId),
        matrix,
        { alleleSets: ["ab"] },
      ),
    ]);
    const fd = new FormData();
    fd.set("customerId", world.customerA);
    fd.set("panelId", herd.panelId);
    fd.set("file", new File([report], "plate_FinalReport.txt"));
    await tech.genotypes.upload(fd);
    await waitForJobs(world, genotypeIngestQueue, 1);
    const batchJobs = await world.deps.runtime.queues.counts(gbvScoreQueue);
    expect(batchJobs.completed).toBe(1); // only the publication's job: the new animals were scored by the ingest

    const user = (await callerFor(world, world.usersA.customer_user.email)).caller;
    for (const a of newAnimals) {
      const answer = await user.gbv.forAnimal({ animalId: a.id });
      const trait = answer.traits.find((t) => t.code === "milk_production")!;
      expect(trait.current).not.toBeNull();
      expect(trait.current!.modelVersion).toBe(1);
      expect(trait.current!.value).toBeCloseTo(await expected(v1.modelId, a.row), 9);
      expect(trait.current!.reliability).toBeCloseTo(daetwylerReliability(1000, 0.3), 12);
      expect(trait.current!.percentileBreed).not.toBeNull();
      expect(trait.current!.percentileCustomer).not.toBeNull();
      expect(trait.history).toEqual([]);
      // Traits no published model covers have no GBV.
      expect(answer.traits.find((t) => t.code === "fertility")!.current).toBeNull();
    }
  }, 120_000);

  it("answers from the cache, and a new published version changes the answer: old value in history, nothing stale", async () => {
    const user = (await callerFor(world, world.usersA.customer_user.email)).caller;
    const animal = newAnimals[0]!;
    const before = await user.gbv.forAnimal({ animalId: animal.id });
    const oldValue = before.traits.find((t) => t.code === "milk_production")!.current!.value;
    // Behind the cache's back: the cached answer is still served, so the cache is really in use…
    await world.owner.query(`UPDATE gbv_predictions SET value = value + 1000 WHERE animal_id = $1`, [animal.id]);
    const cached = await user.gbv.forAnimal({ animalId: animal.id });
    expect(cached.traits.find((t) => t.code === "milk_production")!.current!.value).toBe(oldValue);
    await world.owner.query(`UPDATE gbv_predictions SET value = value - 1000 WHERE animal_id = $1`, [animal.id]);

    // …and a publication makes it stale.
    const v2 = await importAndPublish(2);
    await waitForJobs(world, gbvScoreQueue, 2);
    const after = await user.gbv.forAnimal({ animalId: animal.id });
    const trait = after.traits.find((t) => t.code === "milk_production")!;
    expect(trait.current!.modelVersion).toBe(2);
    expect(trait.current!.modelId).toBe(v2.modelId);
    const newValue = await expected(v2.modelId, animal.row);
    expect(trait.current!.value).toBeCloseTo(newValue, 9);
    expect(Math.abs(newValue - oldValue)).toBeGreaterThan(1e-3);
    expect(trait.history).toHaveLength(1);
    expect(trait.history[0]).toMatchObject({ modelId: v1.modelId, modelVersion: 1 });
    expect(trait.history[0]!.value).toBeCloseTo(oldValue, 12);
    const models = await user.gbv.models.list({ traitId: milk, panelId: herd.panelId });
    expect(models.map((m) => [m.version, m.status])).toEqual([
      [2, "published"],
      [1, "retired"],
    ]);
  }, 120_000);

  it("another farm's customer user and a researcher get NOT_FOUND; predictions never cross farms", async () => {
    const animal = newAnimals[0]!;
    const userB = (await callerFor(world, world.usersB.customer_user.email)).caller;
    await expect(userB.gbv.forAnimal({ animalId: animal.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(userB.gbv.forAnimal({ animalId: animal.id, customerId: world.customerA })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
    await expect(researcher.gbv.forAnimal({ animalId: animal.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // B's own animal: only B's rows; and under B's scope no prediction of A is visible at all.
    const bAnimal = herd.animalIds[1]!; // storeHerd alternates farms: odd rows are B's
    const mine = await userB.gbv.forAnimal({ animalId: bAnimal });
    expect(mine.customerId).toBe(world.customerB);
    const seen = await withTenant(world.deps.db, { customerIds: [world.customerB], userId: null }, (tx) =>
      tx.$queryRawUnsafe<{ c: string }[]>(`SELECT DISTINCT customer_id::text AS c FROM gbv_predictions`),
    );
    expect(seen).toEqual([{ c: world.customerB }]);
  }, 60_000);

  it("answers over REST at GET /api/v1/animals/{animalId}/gbv, and 404 for another farm", async () => {
    const t = await startTestApp({ DATA_DIR: dataDir });
    try {
      const animal = newAnimals[0]!;
      const mine = await t.app.inject({
        url: `/api/v1/animals/${animal.id}/gbv`,
        headers: { cookie: await sessionCookieFor(world, world.usersA.customer_user.email) },
      });
      expect(mine.statusCode, mine.body).toBe(200);
      const body = mine.json() as { traits: { code: string; current: { modelVersion: number } | null }[] };
      expect(body.traits.find((x) => x.code === "milk_production")!.current!.modelVersion).toBe(2);
      const theirs = await t.app.inject({
        url: `/api/v1/animals/${animal.id}/gbv`,
        headers: { cookie: await sessionCookieFor(world, world.usersB.customer_user.email) },
      });
      expect(theirs.statusCode).toBe(404);
    } finally {
      await t.close();
    }
  }, 60_000);
});

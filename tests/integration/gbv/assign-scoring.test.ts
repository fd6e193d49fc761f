// genotypes.uploads.assignSample scores the genotype it stores: a herd is scored for the four seeded
// traits through the real path (imported, published, gbv-score job); a FinalReport whose only sample
// matches no animal is uploaded and ingested (the in-process ingest job: the sample stays unmatched,
// nothing scored); the sample — a copy of a herd animal's genotype — is assigned by hand to a new
// animal. Right after the call the animal has its four current GBVs, equal to the herd animal's (same
// genotype, same models), with percentiles, although its forAnimal answer was cached empty before the
// assignment; another farm's user cannot see them.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gbvScoreQueue, genotypeIngestQueue } from "@reprotech/cache";
import { bytesPerSample, concatBytes, writeFinalReport } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { simulatedHerdPopulation, waitForJobs } from "./models-support";
import { TRAIT_CODES, scoredHerd, startScoring, type ScoredHerd } from "./predictions-support";

let world: World;
let dataDir: string;
let herd: ScoredHerd;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-assign-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-assign-${randomUUID().slice(0, 8)}:` });
  await startScoring(world);
  herd = await scoredHerd(world, { customers: [world.customerA], counts: [12], nSnps: 300, seed: 3 });
}, 180_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("assigning an unmatched sample", () => {
  it("gives the animal its GBVs at once: scored with the panel's published models, GBV cache invalidated", async () => {
    const A = world.customerA;
    const tech = (await callerFor(world, world.usersA.technician.email)).caller;
    const user = (await callerFor(world, world.usersA.customer_user.email)).caller;
    const animal = { id: randomUUID(), officialId: newOfficialId("HO") };
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
       VALUES ($1, $2, $3, 'HO', 'female', '2023-03-01', now())`,
      [animal.id, A, animal.officialId],
    );

    // The herd's first animal's genotype, under a lab sample name no animal carries.
    const source = herd.animals[0]!;
    const pop = simulatedHerdPopulation(3, 12, 300); // the herd's population (same seed and sizes)
    const stride = bytesPerSample(pop.genotypes.nSnps);
    const matrix = { nSamples: 1, nSnps: pop.genotypes.nSnps, data: pop.genotypes.data.slice(0, stride) };
    const fd = new FormData();
    fd.set("customerId", A);
    fd.set("panelId", herd.panelId);
    fd.set(
      "file",
      new File([concatBytes([...writeFinalReport(pop.panel, ["LAB-42"], matrix, { alleleSets: ["ab"] })])], "r.txt"),
    );
    const uploadId = (await tech.genotypes.upload(fd)).upload.id;
    await waitForJobs(world, genotypeIngestQueue, 1);
    expect(await tech.genotypes.uploads.get({ uploadId })).toMatchObject({ status: "completed", storedCount: 0 });

    // No GBVs yet — and that answer is now cached.
    const before = await user.gbv.forAnimal({ animalId: animal.id });
    expect(before.traits.filter((t) => t.current !== null)).toEqual([]);

    const assigned = await tech.genotypes.uploads.assignSample({
      customerId: A,
      uploadId,
      sampleId: "LAB-42",
      animalId: animal.id,
    });
    expect(assigned.changed).toBe(true);
    const { rows: g } = await world.owner.query<{ id: string }>(
      `SELECT id::text FROM genotypes WHERE animal_id = $1 AND is_current`,
      [animal.id],
    );
    expect(g).toHaveLength(1);

    const after = await user.gbv.forAnimal({ animalId: animal.id });
    const reference = await user.gbv.forAnimal({ animalId: source.id });
    for (const code of TRAIT_CODES) {
      const got = after.traits.find((t) => t.code === code)!.current;
      const want = reference.traits.find((t) => t.code === code)!.current!;
      expect(got, code).not.toBeNull();
      expect(got!.genotypeId).toBe(g[0]!.id);
      expect(got!.modelId).toBe(want.modelId);
      expect(got!.value).toBeCloseTo(want.value, 9);
      expect(got!.reliability).toBeCloseTo(want.reliability, 12);
      expect(got!.percentileBreed).not.toBeNull();
      expect(got!.percentileCustomer).not.toBeNull();
    }
    // Scored by the assignment itself: no batch job ran for it.
    expect((await world.deps.runtime.queues.counts(gbvScoreQueue)).completed).toBe(herd.jobs);
    // One current prediction per trait, nothing else stored for the animal.
    const { rows: n } = await world.owner.query<{ n: number; current: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE is_current)::int AS current FROM gbv_predictions WHERE animal_id = $1`,
      [animal.id],
    );
    expect(n[0]).toEqual({ n: TRAIT_CODES.length, current: TRAIT_CODES.length });

    // Another farm's user does not see the animal (nor its GBVs).
    const userB = (await callerFor(world, world.usersB.customer_user.email)).caller;
    await expect(userB.gbv.forAnimal({ animalId: animal.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 120_000);
});

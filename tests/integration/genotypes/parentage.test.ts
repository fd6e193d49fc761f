// Parentage in the genotype ingest on a simulated herd (the genomics library's simulator): recorded
// parents with a current genotype on the panel are verified by chip rules, a planted wrong sire is
// excluded and the true sire suggested by discovery, a recorded dam without a genotype is untested
// (and the true dam suggested), animals without recorded parents get no verdict.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withTenant } from "@reprotech/db";
import { genotypes } from "@reprotech/domain";
import { formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;

const pop = simulatePopulation({ seed: 11, nAnimals: 30, nSnps: 1200, nGenerations: 2, wrongParentRate: 0 });
const gen0 = pop.animals.filter((a) => a.generation === 0);
const gen1 = pop.animals.filter((a) => a.generation === 1);
const ids = new Map<string, { id: string; officialId: string }>();
const dbId = (simId: string | null) => ids.get(simId ?? "")!.id;

type Row = {
  sample_id: string;
  animal_id: string | null;
  outcome: string;
  sire_status: string | null;
  dam_status: string | null;
  parentage: genotypes.SampleParentage | null;
};
let byAnimal: Map<string, Row>;
let panelId: string;
let o1: (typeof gen1)[0], o2: (typeof gen1)[0], o3: (typeof gen1)[0];
let wrongSire: (typeof gen0)[0];
const ungenotypedDam = { id: randomUUID(), officialId: newOfficialId() };

async function insert(simId: string, sex: 1 | 2, born: string, sire: string | null, dam: string | null) {
  const a = { id: randomUUID(), officialId: newOfficialId() };
  await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, sire_id, dam_id, updated_at)
     VALUES ($1, $2, $3, 'HO', $4, $5, $6, $7, now())`,
    [a.id, world.customerA, a.officialId, sex === 1 ? "male" : "female", born, sire, dam],
  );
  ids.set(simId, a);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-parentage-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:parentage-${randomUUID().slice(0, 8)}:` });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "Parentage chip");

  [o1, o2, o3] = gen1 as [typeof o1, typeof o1, typeof o1];
  wrongSire = gen0.find((a) => a.sex === 1 && a.id !== o2.trueSire)!;
  for (const a of gen0) await insert(a.id, a.sex, "2015-01-01", null, null);
  await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2015-01-01', now())`,
    [ungenotypedDam.id, world.customerA, ungenotypedDam.officialId],
  );
  await insert(o1.id, o1.sex, "2018-01-01", dbId(o1.trueSire), dbId(o1.trueDam));
  await insert(o2.id, o2.sex, "2018-01-01", dbId(wrongSire.id), dbId(o2.trueDam));
  await insert(o3.id, o3.sex, "2018-01-01", dbId(o3.trueSire), ungenotypedDam.id);

  // Every simulated animal is in the file; those not in the herd stay unmatched.
  const sampleIds = pop.animals.map((a) => ids.get(a.id)?.officialId ?? a.id);
  const report = new File([...writeFinalReport(pop.panel, sampleIds, pop.genotypes)], "FinalReport.txt");
  const up = new FormData();
  up.set("customerId", world.customerA);
  up.set("file", report);
  up.set("panelId", panelId);
  const { upload } = await tech.genotypes.upload(up);
  const store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  const outcome = await genotypes.ingestUpload(world.deps.db, store, {
    uploadId: upload.id,
    customerId: world.customerA,
  });
  expect(outcome).toMatchObject({ status: "completed", storedCount: gen0.length + 3 });
  const { rows } = await world.owner.query<Row>(
    `SELECT sample_id, animal_id, outcome, sire_status, dam_status, parentage FROM genotype_sample_results WHERE upload_id = $1`,
    [upload.id],
  );
  byAnimal = new Map(rows.filter((r) => r.animal_id).map((r) => [r.animal_id!, r]));
});
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("parentage in the genotype ingest", () => {
  it("verifies true recorded parents with chip rules (≥400 common SNPs, no suggestions needed)", () => {
    const r = byAnimal.get(dbId(o1.id))!;
    expect(r).toMatchObject({ outcome: "stored", sire_status: "verified", dam_status: "verified" });
    expect(r.parentage?.sire).toMatchObject({ animalId: dbId(o1.trueSire), status: "verified" });
    expect(r.parentage?.sire?.common).toBeGreaterThanOrEqual(400);
    expect(r.parentage?.suggestions).toEqual({ sire: [], dam: [] });
  });

  it("excludes a planted wrong sire and suggests the true sire first", () => {
    const r = byAnimal.get(dbId(o2.id))!;
    expect(r).toMatchObject({ outcome: "stored", sire_status: "excluded", dam_status: "verified" });
    expect(r.parentage?.sire).toMatchObject({ animalId: dbId(wrongSire.id), status: "excluded" });
    expect(r.parentage?.sire?.rate).toBeGreaterThan(0.02);
    const [best] = r.parentage?.suggestions.sire ?? [];
    expect(best).toMatchObject({ animalId: dbId(o2.trueSire), status: "verified" });
    expect(r.parentage?.suggestions.sire.length).toBeLessThanOrEqual(genotypes.PARENT_SUGGESTIONS);
  });

  it("marks a recorded dam without a genotype untested and suggests the true dam", () => {
    const r = byAnimal.get(dbId(o3.id))!;
    expect(r).toMatchObject({ sire_status: "verified", dam_status: "untested" });
    expect(r.parentage?.dam).toMatchObject({ animalId: ungenotypedDam.id, status: "untested", common: null });
    expect(r.parentage?.suggestions.dam[0]).toMatchObject({ animalId: dbId(o3.trueDam), status: "verified" });
  });

  it("gives founders no verdict, and only suggestions of the right sex and age", () => {
    const founder = byAnimal.get(dbId(gen0[0]!.id))!;
    expect(founder).toMatchObject({ outcome: "stored", sire_status: null, dam_status: null });
    // Founders are all born the same day: no candidate is old enough.
    expect(founder.parentage?.suggestions).toEqual({ sire: [], dam: [] });
    const males = new Set(gen0.filter((a) => a.sex === 1).map((a) => dbId(a.id)));
    for (const r of byAnimal.values())
      for (const s of r.parentage?.suggestions.sire ?? []) expect(males.has(s.animalId)).toBe(true);
  });

  it("searches the farm a batch of genotypes at a time: any batch size finds the same", async () => {
    const input = {
      customerId: world.customerA,
      panelId,
      nSnps: pop.panel.size,
      animalIds: [...byAnimal.keys()],
    };
    const check = (batchRows?: number) =>
      withTenant(world.deps.db, { customerIds: [world.customerA], userId: null }, (tx) =>
        genotypes.checkParentage(tx, input, { batchRows }),
      );
    const whole = await check();
    expect(whole.get(dbId(o2.id))?.suggestions.sire[0]).toMatchObject({ animalId: dbId(o2.trueSire) });
    // The stored results came from the default batch, which holds all of this farm's genotypes at once.
    for (const [animalId, row] of byAnimal) expect(whole.get(animalId)).toEqual(row.parentage);
    for (const batchRows of [1, 2, 7]) expect(await check(batchRows)).toEqual(whole);
  });
});

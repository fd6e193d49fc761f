// genotypes.uploads.assignSample: an unmatched sample's genotype, read again from the stored file,
// is stored for the chosen animal — idempotently, audited, the animals cache (hasGenotype) fresh —
// and what may not be assigned is refused with nothing written.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypes } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let tech: Api;
let uploadId: string;
const animals: { id: string; officialId: string }[] = [];
let animalB: string;

const SNPS = ["snp1", "snp2", "snp3", "snp4", "snp5", "snp6", "snp7", "snp8", "snp9", "snp10"];
const GOOD = ["AA", "AB", "BB", "AB", "AA", "BB", "AB", "AA", "AB", "BB"];
const LAB = ["BB", "BB", "AA", "AB", "AB", "BB", "AA", "AA", "AB", "AB"];
const POOR = ["AA", "--", "--", "AB", "AA", "BB", "AB", "AA", "AB", "BB"];

function finalReport(samples: Record<string, string[]>): string {
  const rows = Object.entries(samples).flatMap(([id, calls]) =>
    SNPS.map((snp, j) => `${snp},${id},${calls[j]![0]},${calls[j]![1]},0.9`),
  );
  return ["[Header]", "[Data]", "SNP Name,Sample ID,Allele1 - AB,Allele2 - AB,GC Score", ...rows, ""].join("\n");
}
function packed(calls: string[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(calls.length / 4));
  calls.forEach((c, j) => {
    const b = [...c].filter((x) => x === "B").length;
    out[j >> 2]! |= (c === "--" ? 1 : b === 0 ? 0 : b + 1) << ((j & 3) * 2);
  });
  return out;
}

async function insertAnimal(customerId: string) {
  const a = { id: randomUUID(), officialId: newOfficialId() };
  await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
    [a.id, customerId, a.officialId],
  );
  return a;
}

const count = async (sql: string, params: unknown[]) => (await world.owner.query(sql, params)).rows[0].n as number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-assign-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:assign-${randomUUID().slice(0, 8)}:` });
  tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const panelId = await registerMapPanel(
    tech,
    SNPS.map((s, i) => `1 ${s} 0 ${(i + 1) * 1000}`).join("\n") + "\n",
    "Assign chip",
  );
  for (let i = 0; i < 3; i++) animals.push(await insertAnimal(world.customerA));
  animalB = (await insertAnimal(world.customerB)).id;
  const up = new FormData();
  up.set("customerId", world.customerA);
  up.set("file", new File([finalReport({ [animals[0]!.officialId]: GOOD, "LAB-7": LAB, LOWCR: POOR })], "r.txt"));
  up.set("panelId", panelId);
  uploadId = (await tech.genotypes.upload(up)).upload.id;
  const store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  expect(await genotypes.ingestUpload(world.deps.db, store, { uploadId, customerId: world.customerA })).toMatchObject({
    status: "completed",
    storedCount: 1,
  });
});
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("genotypes.uploads.assignSample", () => {
  it("stores an unmatched sample's genotype for the animal, once", async () => {
    const a2 = animals[1]!;
    const A = world.customerA;
    const genotyped = async () =>
      (await tech.animals.list({ customerId: A, hasGenotype: true })).items.map((x) => x.id).sort();
    expect(await genotyped()).toEqual([animals[0]!.id]); // cached now

    const first = await tech.genotypes.uploads.assignSample({
      customerId: A,
      uploadId,
      sampleId: "LAB-7",
      animalId: a2.id,
    });
    expect(first.changed).toBe(true);
    expect(first.sample).toMatchObject({ sampleId: "LAB-7", animalId: a2.id, outcome: "stored", callRate: 1 });
    expect(first.sample.messages).toContain("assigned manually");
    const { rows } = await world.owner.query(
      `SELECT packed, is_current, qc_status FROM genotypes WHERE upload_id = $1 AND animal_id = $2`,
      [uploadId, a2.id],
    );
    expect(rows).toHaveLength(1);
    expect(new Uint8Array(rows[0].packed)).toEqual(packed(LAB));
    expect(rows[0]).toMatchObject({ is_current: true, qc_status: "pass" });
    expect(await tech.genotypes.uploads.get({ uploadId })).toMatchObject({ matchedCount: 2, storedCount: 2 });
    expect(await genotyped()).toEqual([animals[0]!.id, a2.id].sort());
    expect((await tech.genotypes.forAnimal({ animalId: a2.id })).current.map((c) => c.uploadId)).toEqual([uploadId]);
    const audits = await count(
      `SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1 AND action = 'genotypes.uploads.assignSample'`,
      [uploadId],
    );
    expect(audits).toBe(1);

    const again = await tech.genotypes.uploads.assignSample({
      customerId: A,
      uploadId,
      sampleId: "LAB-7",
      animalId: a2.id,
    });
    expect(again.changed).toBe(false);
    expect(await count(`SELECT count(*)::int AS n FROM genotypes WHERE upload_id = $1`, [uploadId])).toBe(2);
    expect(await tech.genotypes.uploads.get({ uploadId })).toMatchObject({ storedCount: 2 });
  });

  it("refuses what may not be assigned, writing nothing", async () => {
    const A = world.customerA;
    const a3 = animals[2]!.id;
    const assign = (sampleId: string, animalId: string, api: Api = tech, customerId = A) =>
      api.genotypes.uploads.assignSample({ customerId, uploadId, sampleId, animalId });
    await expect(assign("LAB-7", a3)).rejects.toMatchObject({ code: "BAD_REQUEST" }); // already stored
    await expect(assign(animals[0]!.officialId, a3)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(assign("LOWCR", a3)).rejects.toMatchObject({ code: "BAD_REQUEST", message: /call rate/ });
    await expect(assign("LOWCR", animals[0]!.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(assign("NOPE", a3)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(assign("LOWCR", animalB)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const techB = (await callerFor(world, world.usersB.technician.email)).caller;
    await expect(assign("LOWCR", a3, techB)).rejects.toMatchObject({
      code: expect.stringMatching(/NOT_FOUND|FORBIDDEN/),
    });
    await expect(assign("LOWCR", animalB, techB, world.customerB)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await count(`SELECT count(*)::int AS n FROM genotypes WHERE upload_id = $1`, [uploadId])).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM genotypes WHERE animal_id = $1`, [a3])).toBe(0);
  });
});

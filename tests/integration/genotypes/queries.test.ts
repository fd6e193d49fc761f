// Genotype reads: the animals list filter hasGenotype (animals/genotyped.ts) follows the current
// genotypes the ingest stores (the cached list is invalidated after the ingest commits);
// genotypes.forAnimal (current + history, cached, fresh after a new ingest); genotypes.uploads.samples.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { keys } from "@reprotech/cache";
import { genotypes } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let tech: Api;
let panelId: string;
let store: genotypes.BlobStore;
const animals: { id: string; officialId: string }[] = [];
const uploadIds: string[] = [];

const SNPS = ["snp1", "snp2", "snp3", "snp4", "snp5", "snp6", "snp7", "snp8"];
const CALLS = ["AA", "AB", "BB", "AB", "AA", "BB", "AB", "AA"];

function finalReport(sampleIds: string[]): string {
  const rows = sampleIds.flatMap((id) => SNPS.map((snp, j) => `${snp},${id},${CALLS[j]![0]},${CALLS[j]![1]},0.9`));
  return ["[Header]", "[Data]", "SNP Name,Sample ID,Allele1 - AB,Allele2 - AB,GC Score", ...rows, ""].join("\n");
}

async function ingest(sampleIds: string[]) {
  const fd = new FormData();
  fd.set("customerId", world.customerA);
  fd.set("file", new File([finalReport(sampleIds)], "report.txt"));
  fd.set("panelId", panelId);
  const { upload } = await tech.genotypes.upload(fd);
  uploadIds.push(upload.id);
  return genotypes.ingestUpload(
    world.deps.db,
    store,
    { uploadId: upload.id, customerId: world.customerA },
    { cache: world.deps.runtime.cache },
  );
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gq-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gq-${randomUUID().slice(0, 8)}:` });
  store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(
    tech,
    SNPS.map((s, i) => `1 ${s} 0 ${(i + 1) * 1000}`).join("\n") + "\n",
    "Queries chip",
  );
  for (let i = 0; i < 3; i++) {
    const a = { id: randomUUID(), officialId: newOfficialId() };
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
      [a.id, world.customerA, a.officialId],
    );
    animals.push(a);
  }
});
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("animals.list hasGenotype", () => {
  it("matches animals with a current genotype, and follows a new ingest despite the cached list", async () => {
    const [a1, a2] = animals as [(typeof animals)[0], (typeof animals)[0]];
    const ids = async (hasGenotype: boolean) =>
      (await tech.animals.list({ customerId: world.customerA, hasGenotype, limit: 100 })).items.map((x) => x.id).sort();
    expect(await ids(true)).toEqual([]);
    expect((await ids(false)).length).toBe(3);

    expect((await ingest([a1.officialId])).storedCount).toBe(1);
    expect(await ids(true)).toEqual([a1.id]);
    expect(await ids(false)).not.toContain(a1.id);

    // A newer upload replaces a1's current genotype and adds a2: a1 still has one (the new one).
    expect((await ingest([a1.officialId, a2.officialId])).storedCount).toBe(2);
    expect(await ids(true)).toEqual([a1.id, a2.id].sort());
    const total = await tech.animals.list({ customerId: world.customerA, hasGenotype: false });
    expect(total.total).toBe(1);

    // Only current rows count.
    await world.owner.query(`UPDATE genotypes SET is_current = false WHERE animal_id = $1`, [a2.id]);
    await world.deps.runtime.cache.invalidate(keys.tenant(world.customerA, "animals"));
    expect(await ids(true)).toEqual([a1.id]);
  });
});

describe("genotypes.forAnimal and genotypes.uploads.samples", () => {
  it("summarises the current genotype and the history, and a new ingest shows through the cache", async () => {
    const [a1, , a3] = animals as [(typeof animals)[0], (typeof animals)[0], (typeof animals)[0]];
    const before = await tech.genotypes.forAnimal({ animalId: a1.id });
    expect(before.customerId).toBe(world.customerA);
    expect(before.current).toHaveLength(1);
    expect(before.current[0]).toMatchObject({
      panelId,
      uploadId: uploadIds[1],
      callRate: 1,
      qcStatus: "pass",
      isCurrent: true,
      sireStatus: null,
      damStatus: null,
    });
    expect(before.history.map((h) => h.uploadId)).toEqual([uploadIds[0]]);

    const none = await tech.genotypes.forAnimal({ animalId: a3.id, customerId: world.customerA });
    expect(none).toMatchObject({ current: [], history: [] });
    // Cached; the ingest's invalidation after commit makes the new genotype visible.
    expect((await ingest([a3.officialId])).storedCount).toBe(1);
    const after = await tech.genotypes.forAnimal({ animalId: a3.id });
    expect(after.current.map((c) => c.uploadId)).toEqual([uploadIds[2]]);

    await expect(tech.genotypes.forAnimal({ animalId: randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists an upload's per-sample results", async () => {
    const fd = new FormData();
    fd.set("customerId", world.customerA);
    fd.set("file", new File([finalReport([animals[0]!.officialId, "NOBODY"])], "r2.txt"));
    fd.set("panelId", panelId);
    const { upload } = await tech.genotypes.upload(fd);
    await genotypes.ingestUpload(world.deps.db, store, { uploadId: upload.id, customerId: world.customerA });
    const samples = await tech.genotypes.uploads.samples({ customerId: world.customerA, uploadId: upload.id });
    expect(samples).toEqual([
      expect.objectContaining({
        sampleId: animals[0]!.officialId,
        animalId: animals[0]!.id,
        officialId: animals[0]!.officialId,
        outcome: "stored",
        callRate: 1,
      }),
      expect.objectContaining({ sampleId: "NOBODY", animalId: null, outcome: "unmatched", parentage: null }),
    ]);
    await expect(
      tech.genotypes.uploads.samples({ customerId: world.customerB, uploadId: upload.id }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND|FORBIDDEN/) });
  });
});

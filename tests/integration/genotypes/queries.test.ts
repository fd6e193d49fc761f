// Genotype reads on animals: the animals list filter hasGenotype (animals/genotyped.ts) follows the
// current genotypes the ingest stores, and the cached list is invalidated after the ingest commits.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { keys } from "@reprotech/cache";
import { genotypes } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let tech: Api;
let panelId: string;
let store: genotypes.BlobStore;
const animals: { id: string; officialId: string }[] = [];

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
  const fd = new FormData();
  fd.set("name", `Queries chip ${randomUUID().slice(0, 8)}`);
  fd.set("version", "1");
  fd.set("file", new File([SNPS.map((s, i) => `1 ${s} 0 ${(i + 1) * 1000}`).join("\n") + "\n"], "chip.map"));
  panelId = (await tech.genotypes.panels.register(fd)).id;
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

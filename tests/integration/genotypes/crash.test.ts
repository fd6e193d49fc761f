// Crash safety of the genotype ingest in the BUILT worker: the worker is SIGKILLed while it ingests
// a large upload; nothing partial is left behind (one transaction per upload), and a new worker picks
// the stalled job up once its lock expires (genotype-ingest's lockMs) and completes it exactly once.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { startWorker, type RunningServer } from "../../support/server";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;
let env: Record<string, string>;
const workers: RunningServer[] = [];
const N_ANIMALS = 240;

const pop = simulatePopulation({ seed: 5, nAnimals: N_ANIMALS, nSnps: 6000, nGenerations: 1 });

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-crash-"));
  const prefix = `test:crash-${randomUUID().slice(0, 8)}:`;
  env = {
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_KEY_PREFIX: prefix,
    DATA_DIR: dataDir,
  };
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
}, 60_000);
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("genotype ingest in the built worker", () => {
  it("survives SIGKILL mid-ingest: no partial genotypes, the retry completes once, no duplicates", async () => {
    const tech = (await callerFor(world, world.usersA.technician.email)).caller;
    const panelId = await registerMapPanel(tech, formatMap(pop.panel), "Crash chip");
    const officialIds = pop.animals.map(() => newOfficialId());
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
       SELECT gen_random_uuid(), $1, o, 'HO', 'female', '2020-01-01', now() FROM unnest($2::text[]) AS o`,
      [world.customerA, officialIds],
    );

    workers.push(await startWorker(env));
    const report = new File(
      [...writeFinalReport(pop.panel, officialIds, pop.genotypes, { alleleSets: ["ab"] })],
      "big.txt",
    );
    const up = new FormData();
    up.set("customerId", world.customerA);
    up.set("file", report);
    up.set("panelId", panelId);
    const { upload } = await tech.genotypes.upload(up);
    const status = async () =>
      (await world.owner.query(`SELECT status FROM genotype_uploads WHERE id = $1`, [upload.id])).rows[0]?.status as
        string | undefined;
    const genotypeCount = async () =>
      (await world.owner.query(`SELECT count(*)::int AS n FROM genotypes WHERE upload_id = $1`, [upload.id])).rows[0]
        .n as number;

    await waitFor("the ingest to start", 30_000, async () => ((await status()) === "processing" ? true : undefined));
    workers[0]!.child.kill("SIGKILL");
    await workers[0]!.exited;
    // Whatever the killed worker had written is gone with its transaction.
    expect(await status()).toBe("processing");
    expect(await genotypeCount()).toBe(0);

    workers.push(await startWorker(env));
    await waitFor("the retried ingest to complete", 90_000, async () =>
      (await status()) === "completed" ? true : undefined,
    );
    expect(await genotypeCount()).toBe(N_ANIMALS);
    const dup = await world.owner.query(
      `SELECT animal_id FROM genotypes WHERE upload_id = $1 GROUP BY animal_id HAVING count(*) > 1`,
      [upload.id],
    );
    expect(dup.rows).toEqual([]);
    const results = await world.owner.query(
      `SELECT count(*)::int AS n, count(DISTINCT sample_id)::int AS d FROM genotype_sample_results WHERE upload_id = $1`,
      [upload.id],
    );
    expect(results.rows[0]).toEqual({ n: N_ANIMALS, d: N_ANIMALS });
    expect(await tech.genotypes.uploads.get({ uploadId: upload.id })).toMatchObject({
      status: "completed",
      storedCount: N_ANIMALS,
    });
    expect(await workers[1]!.stop()).toBe(0);
  }, 180_000);
});

// How the gbv-score job stores a publication (packages/domain/src/gbv/batch-load.ts): one partition per
// model, filled while it is a plain table and attached at the end of one transaction. These tests run
// the job's function on a simulated herd of two farms, with models inserted and published as the
// import does, and check what the design promises: the partition is attached with its indexes and is
// reachable only through the parent; a load that fails part-way leaves nothing and the previous
// version current; page writes (an ingest's scoring) leave a model without its load alone, and a
// genotype stored while the batch read the panel is scored right after the load; and the stored
// percentiles equal percent_rank over the trait's current GBVs, also across two panels; each model's
// load commits alone, and a job failing after one of them committed is finished by its retry.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withSystem, withTenant } from "@reprotech/db";
import { gbv } from "@reprotech/domain";
import { alleleFrequencies, sampleRow, simulatePopulation } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerPanel, storeHerd, type Herd } from "./models-support";

let world: World;
let dataDir: string;
let herd: Herd;
let other: Herd; // a second panel's herd, for percentiles across panels
// A trait of this file's own (other files publish the seed traits concurrently, and percentiles span
// every current GBV of a trait), lower-is-better so the ranking direction is checked too.
let trait: string;

const N_ANIMALS = 150;
const N_SNPS = 400;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-load-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-load-${process.pid}-${Date.now()}:` });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const pop = simulatePopulation({ seed: 31, nAnimals: N_ANIMALS, nSnps: N_SNPS, idPrefix: "L31" });
  herd = await storeHerd(
    world,
    pop,
    await registerPanel(tech, pop, "Load chip"),
    [world.customerA, world.customerB],
    ["HO", "JE"],
  );
  const pop2 = simulatePopulation({ seed: 32, nAnimals: 60, nSnps: N_SNPS + 7, idPrefix: "L32" });
  other = await storeHerd(world, pop2, await registerPanel(tech, pop2, "Other chip"), [world.customerA], ["HO"]);
  const { rows } = await world.owner.query<{ id: string }>(
    `INSERT INTO gbv_traits (id, code, name, unit, higher_is_better, default_heritability)
     VALUES (gen_random_uuid(), $1, 'Somatic cell score', 'log cells/ml', false, 0.12) RETURNING id::text`,
    [`scs_${randomUUID().slice(0, 8)}`],
  );
  trait = rows[0]!.id;
}, 120_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Inserts and publishes a model of the trait on the herd's panel with effects drawn from `seed`. */
async function publish(h: Herd, traitId: string, seed: number): Promise<string> {
  const n = h.pop.panel.markers.length;
  return withSystem(world.deps.db, async (tx) => {
    const { id } = await gbv.insertModel(tx, {
      traitId,
      panelId: h.panelId,
      source: "imported",
      status: "draft",
      effects: Float64Array.from({ length: n }, (_, j) => Math.sin(j * seed) * 0.05),
      alleleFreqs: alleleFrequencies(h.pop.genotypes),
      reliability: { method: "daetwyler", nReference: 5_000, h2: 0.2 },
      provenance: { kind: "test" },
      createdBy: null,
    });
    await gbv.publishModel(tx, id, null);
    return id;
  });
}

const partitionOf = async (modelId: string) =>
  (
    await world.owner.query<{ name: string; attached: boolean }>(
      `SELECT gbv_predictions_partition($1) AS name,
              EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(gbv_predictions_partition($1))
                                                  AND inhparent = 'gbv_predictions'::regclass) AS attached`,
      [modelId],
    )
  ).rows[0]!;

const counts = async (modelId: string) =>
  (
    await world.owner.query<{ n: number; current: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE is_current)::int AS current FROM gbv_predictions WHERE model_id = $1`,
      [modelId],
    )
  ).rows[0]!;

describe("a publication's batch load", () => {
  let v1: string;

  it("stores every animal's GBV in the model's own partition, attached with its indexes, reachable only through the parent", async () => {
    v1 = await publish(herd, trait, 1.7);
    const outcome = await gbv.scoreModelsBatch(world.deps, [v1], { pageSize: 40 });
    expect(outcome).toEqual({ models: 1, genotypes: N_ANIMALS, predictions: N_ANIMALS });
    expect(await counts(v1)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    const part = await partitionOf(v1);
    expect(part.attached).toBe(true);
    const { rows: indexes } = await world.owner.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE tablename = $1 ORDER BY indexdef`,
      [part.name],
    );
    expect(indexes.map((i) => /\((.+)\)$/.exec(i.def)![1])).toEqual(
      expect.arrayContaining([
        "model_id, genotype_id",
        "customer_id, trait_id, value",
        "animal_id, trait_id",
        "genotype_id",
      ]),
    );
    const { rows: priv } = await world.owner.query<{ parent: boolean; partition: boolean }>(
      `SELECT has_table_privilege('reprotech_app', 'gbv_predictions', 'SELECT') AS parent,
              has_table_privilege('reprotech_app', $1, 'SELECT') OR has_table_privilege('reprotech_app', $1, 'INSERT') AS partition`,
      [part.name],
    );
    expect(priv[0]).toEqual({ parent: true, partition: false });
  }, 60_000);

  it("that fails part-way leaves nothing: no partition, no row, the previous version still current; the retried job stores it all", async () => {
    const v2 = await publish(herd, trait, 2.3);
    let pages = 0;
    await expect(
      gbv.scoreModelsBatch(world.deps, [v2], {
        pageSize: 40,
        onProgress: () => {
          if (++pages === 2) throw new Error("worker lost mid-load");
        },
      }),
    ).rejects.toThrow("worker lost mid-load");
    expect(await partitionOf(v2)).toMatchObject({ attached: false });
    expect(
      (await world.owner.query(`SELECT to_regclass(gbv_predictions_partition($1)) AS t`, [v2])).rows[0].t,
    ).toBeNull();
    expect(await counts(v2)).toEqual({ n: 0, current: 0 });
    expect(await counts(v1)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });

    const outcome = await gbv.scoreModelsBatch(world.deps, [v2], { pageSize: 40 });
    expect(outcome.predictions).toBe(N_ANIMALS);
    expect(await counts(v2)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    expect(await counts(v1)).toEqual({ n: N_ANIMALS, current: 0 });
    v1 = v2;
  }, 60_000);

  it("is what an ingest's page write waits for: a published model without its load gets no row from it; the load covers those genotypes", async () => {
    const v3 = await publish(herd, trait, 3.1);
    const assigned = await gbv.scoreAssignedGenotypes(world.deps, {
      customerId: world.customerA,
      genotypeIds: [herd.genotypeIds[0]!],
    });
    expect(assigned).toMatchObject({ models: 1, predictions: 0 });
    expect(await counts(v3)).toEqual({ n: 0, current: 0 });
    // The animal keeps its current GBV of the previous version until the load commits.
    const { rows } = await world.owner.query(
      `SELECT model_id::text AS m FROM gbv_predictions WHERE animal_id = $1 AND trait_id = $2 AND is_current`,
      [herd.animalIds[0], trait],
    );
    expect(rows).toEqual([{ m: v1 }]);
    await gbv.scoreModelsBatch(world.deps, [v3], { pageSize: 40 });
    expect(await counts(v3)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    // Once loaded, page writes go to the model's partition (re-scoring the same genotype rewrites its row).
    const again = await gbv.scoreAssignedGenotypes(world.deps, {
      customerId: world.customerA,
      genotypeIds: [herd.genotypeIds[0]!],
    });
    expect(again.predictions).toBe(1);
    expect(await counts(v3)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
  }, 60_000);

  it("writes percentiles equal to percent_rank over the trait's current GBVs, within breed and customer, across two panels", async () => {
    const onOther = await publish(other, trait, 4.9);
    await gbv.scoreModelsBatch(world.deps, [onOther], { pageSize: 25 });
    const { rows } = await world.owner.query<{
      id: string;
      breed: string;
      customer: string;
      value: number;
      pb: number;
      pc: number;
    }>(
      `SELECT p.genotype_id::text AS id, a.breed, p.customer_id::text AS customer, p.value,
              p.percentile_breed AS pb, p.percentile_customer AS pc
         FROM gbv_predictions p JOIN animals a ON a.id = p.animal_id
        WHERE p.trait_id = $1 AND p.is_current`,
      [trait],
    );
    expect(rows).toHaveLength(N_ANIMALS + other.animalIds.length);
    // percent_rank on a lower-is-better trait: (number of strictly HIGHER values) / (group size − 1),
    // in percent, 4 decimals.
    const expected = (group: (r: (typeof rows)[number]) => string, r: (typeof rows)[number]) => {
      const peers = rows.filter((x) => group(x) === group(r));
      const worse = peers.filter((x) => x.value > r.value).length;
      return peers.length > 1 ? Math.round((1e6 * worse) / (peers.length - 1)) / 1e4 : 0;
    };
    for (const r of rows) {
      expect(r.pb).toBeCloseTo(
        expected((x) => x.breed, r),
        6,
      );
      expect(r.pc).toBeCloseTo(
        expected((x) => x.customer, r),
        6,
      );
    }
    // The first panel's rows were ranked again once the second panel's joined them (HO spans both).
    expect(new Set(rows.map((r) => r.breed))).toEqual(new Set(["HO", "JE"]));
  }, 60_000);

  it("scores a genotype stored while the batch read the panel right after its load (its own scoring found no partition)", async () => {
    const v = await publish(other, trait, 5.3);
    const animalId = randomUUID();
    const genotypeId = randomUUID();
    let stored = false;
    const outcome = await gbv.scoreModelsBatch(world.deps, [v], {
      pageSize: 25,
      onProgress: async () => {
        if (stored) return;
        stored = true; // after the first page: the COPY has read the panel as it was
        await world.owner.query(
          `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
           VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
          [animalId, world.customerA, newOfficialId("HO")],
        );
        await world.owner.query(
          `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
           SELECT $1, $2, $3, panel_id, upload_id, $4, 0.99, 0.3, 'pass', true FROM genotypes WHERE id = $5`,
          [genotypeId, world.customerA, animalId, Buffer.from(sampleRow(other.pop.genotypes, 0)), other.genotypeIds[0]],
        );
        // What its ingest's scoring does now: the model has no partition yet, so no row.
        expect(
          (await gbv.scoreAssignedGenotypes(world.deps, { customerId: world.customerA, genotypeIds: [genotypeId] }))
            .predictions,
        ).toBe(0);
      },
    });
    // The panel as the COPY read it, then the one stored meanwhile.
    expect(outcome).toMatchObject({ genotypes: other.animalIds.length + 1, predictions: other.animalIds.length + 1 });
    const { rows } = await world.owner.query(
      `SELECT p.value, q.value AS twin FROM gbv_predictions p
         JOIN gbv_predictions q ON q.model_id = p.model_id AND q.genotype_id = $3
        WHERE p.model_id = $1 AND p.genotype_id = $2 AND p.is_current AND p.percentile_breed IS NOT NULL`,
      [v, genotypeId, other.genotypeIds[0]],
    );
    // Same genotype bytes as the herd's first animal: the same GBV.
    expect(rows).toHaveLength(1);
    expect(rows[0].value).toBe(rows[0].twin);
  }, 60_000);

  it("leaves a model another run loaded while this one read the panel to that run: nothing written twice, every row ranked", async () => {
    const { rows } = await world.owner.query<{ id: string }>(
      `INSERT INTO gbv_traits (id, code, name, unit, higher_is_better, default_heritability)
       VALUES (gen_random_uuid(), $1, $1, 'units', true, 0.2) RETURNING id::text`,
      [`race_${randomUUID().slice(0, 8)}`],
    );
    const v = await publish(herd, rows[0]!.id, 7.7);
    let other: gbv.ScoreOutcome | undefined;
    const outcome = await gbv.scoreModelsBatch(world.deps, [v], {
      pageSize: 40,
      // After this run's first page: a second run (a re-added job, say) loads the model whole.
      onProgress: async () => {
        other ??= await gbv.scoreModelsBatch(world.deps, [v], { pageSize: 40 });
      },
    });
    expect(other).toEqual({ models: 1, genotypes: N_ANIMALS, predictions: N_ANIMALS });
    // This run's load found the partition and wrote nothing; nothing was missing.
    expect(outcome).toEqual({ models: 1, genotypes: N_ANIMALS, predictions: 0 });
    expect(await counts(v)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    const { rows: unranked } = await world.owner.query(
      `SELECT genotype_id FROM gbv_predictions WHERE model_id = $1 AND (percentile_breed IS NULL OR percentile_customer IS NULL)`,
      [v],
    );
    expect(unranked).toEqual([]);
  }, 60_000);

  it("commits each model's load alone: one trait switches while the other's load fails; the retried job finishes it, nothing twice", async () => {
    const newTrait = async (code: string) =>
      (
        await world.owner.query<{ id: string }>(
          `INSERT INTO gbv_traits (id, code, name, unit, higher_is_better, default_heritability)
           VALUES (gen_random_uuid(), $1, $1, 'units', true, 0.2) RETURNING id::text`,
          [`${code}_${randomUUID().slice(0, 8)}`],
        )
      ).rows[0]!.id;
    const [traitA, traitB] = [await newTrait("lanes_a"), await newTrait("lanes_b")];
    const [a1, b1] = [await publish(herd, traitA, 6.1), await publish(herd, traitB, 6.2)];
    await gbv.scoreModelsBatch(world.deps, [a1, b1], { pageSize: 40 });
    const [a2, b2] = [await publish(herd, traitA, 6.3), await publish(herd, traitB, 6.4)];

    // Trait B's scoring lock held elsewhere: b2's load waits for it while a2's commits; then the
    // waiting statement is cancelled, as a lost connection or a shutdown would end it.
    const holder = await world.owner.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended($1, 7))`, [`gbv-score:${traitB}`]);
      const job = gbv.scoreModelsBatch(world.deps, [a2, b2], { pageSize: 40 });
      job.catch(() => {});
      const { rows: pid } = await holder.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      for (let waited = 0; ; waited += 50) {
        const done = (await counts(a2)).current === N_ANIMALS;
        const { rows: blocked } = await world.owner.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))`,
          [pid[0]!.pid],
        );
        if (done && blocked.length === 1) {
          await world.owner.query(`SELECT pg_cancel_backend($1)`, [blocked[0]!.pid]);
          break;
        }
        if (waited > 30_000) throw new Error("a2's load never committed beside b2's waiting one");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await expect(job).rejects.toThrow(/cancel/);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    expect(await counts(a2)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    expect(await counts(a1)).toEqual({ n: N_ANIMALS, current: 0 });
    expect(await partitionOf(b2)).toMatchObject({ attached: false });
    expect(await counts(b2)).toEqual({ n: 0, current: 0 });
    expect(await counts(b1)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });

    // The retry: a2 is complete and left alone, b2 is loaded.
    const outcome = await gbv.scoreModelsBatch(world.deps, [a2, b2], { pageSize: 40 });
    expect(outcome.predictions).toBe(N_ANIMALS);
    expect(await counts(a2)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    expect(await counts(b2)).toEqual({ n: N_ANIMALS, current: N_ANIMALS });
    expect(await counts(b1)).toEqual({ n: N_ANIMALS, current: 0 });
    const { rows: twice } = await world.owner.query(
      `SELECT animal_id, trait_id FROM gbv_predictions WHERE trait_id = ANY($1::uuid[]) AND is_current
        GROUP BY animal_id, trait_id HAVING count(*) > 1`,
      [[traitA, traitB]],
    );
    expect(twice).toEqual([]);

    // A genotype that lacks b2's GBV but has a2's: only b2's is written, a2's row stays as it was.
    const genotypeId = herd.genotypeIds[3];
    const row = (model: string) =>
      world.owner.query(
        `SELECT xmin::text AS xmin, value, is_current FROM gbv_predictions WHERE model_id = $1 AND genotype_id = $2`,
        [model, genotypeId],
      );
    const [aBefore, bBefore] = [(await row(a2)).rows[0], (await row(b2)).rows[0]];
    await world.owner.query(`DELETE FROM gbv_predictions WHERE model_id = $1 AND genotype_id = $2`, [b2, genotypeId]);
    expect(await gbv.scoreModelsBatch(world.deps, [a2, b2], { pageSize: 40 })).toMatchObject({ predictions: 1 });
    expect((await row(a2)).rows[0]).toEqual(aBefore);
    expect((await row(b2)).rows[0]).toMatchObject({ value: bBefore.value, is_current: true });
  }, 90_000);

  it("refuses to stage a model's partition twice, in a farm's scope, or to attach one never staged", async () => {
    await expect(world.owner.query(`SELECT gbv_predictions_stage($1)`, [v1])).rejects.toThrow(/partition already/);
    await expect(
      withTenant(world.deps.db, { customerIds: [world.customerA], userId: null }, (tx) =>
        tx.$queryRawUnsafe(`SELECT gbv_predictions_stage($1::uuid)::text AS p`, randomUUID()),
      ),
    ).rejects.toThrow(/system scope only/);
    await expect(world.owner.query(`SELECT gbv_predictions_attach($1)`, [randomUUID()])).rejects.toThrow(
      /does not exist/,
    );
  });
});

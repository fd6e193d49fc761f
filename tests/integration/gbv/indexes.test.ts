// gbv.indexes: the seeded default and farms' own indexes — validation (known traits, finite weights,
// not all zero), idempotent save by name, who may write (a farm's admin, staff reaching the farm; not
// its plain users, not researchers: FORBIDDEN), tenancy (another farm's index is invisible and cannot
// be deleted), audit, and a saved index changing a cached ranking at once.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { invalidateConsenting } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { scoredHerd, startScoring } from "./predictions-support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let adminA: Api;
let adminB: Api;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-indexes-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-idx-${randomUUID().slice(0, 8)}:` });
  await startScoring(world);
  await scoredHerd(world, { customers: [world.customerA], counts: [25], seed: 31 });
  adminA = (await callerFor(world, world.usersA.customer_admin.email)).caller;
  adminB = (await callerFor(world, world.usersB.customer_admin.email)).caller;
}, 180_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

const rowsOf = async (customerId: string) =>
  (
    await world.owner.query(`SELECT name, weights FROM gbv_selection_indexes WHERE customer_id = $1 ORDER BY name`, [
      customerId,
    ])
  ).rows;

describe("gbv.indexes", () => {
  it("lists the seeded default for every farm", async () => {
    const list = await adminA.gbv.indexes.list({});
    const def = list.find((i) => i.isDefault && i.name === "Balanced dairy index");
    expect(def).toMatchObject({
      customerId: null,
      weights: { milk_production: 0.4, fertility: 0.2, disease_resistance: 0.2, longevity: 0.2 },
    });
  });

  it("refuses unknown traits, non-finite and all-zero weights, writing nothing", async () => {
    const save = (weights: Record<string, number>) =>
      adminA.gbv.indexes.save({ customerId: world.customerA, name: "Bad", weights });
    await expect(save({ milk_production: 1, yield_of_gold: 2 })).rejects.toThrow(/Unknown trait yield_of_gold/);
    await expect(save({ milk_production: Number.NaN })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(save({ milk_production: Number.POSITIVE_INFINITY })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(save({ milk_production: 0, fertility: 0 })).rejects.toThrow(/non-zero/);
    await expect(save({})).rejects.toThrow(/at least one trait/);
    await expect(
      adminA.gbv.indexes.save({ customerId: world.customerA, name: "  ", weights: { fertility: 1 } }),
    ).rejects.toThrow(/Name the index/);
    expect(await rowsOf(world.customerA)).toEqual([]);
  });

  it("saves a farm's index by name (again = same row, new weights), audited; ranks by it at once", async () => {
    const first = await adminA.gbv.indexes.save({
      customerId: world.customerA,
      name: "Fertility first",
      weights: { fertility: 1, milk_production: 0.1 },
    });
    expect(first).toMatchObject({ customerId: world.customerA, isDefault: false });
    const byFirst = await adminA.gbv.ranking({ indexId: first.id, limit: 25 });
    const again = await adminA.gbv.indexes.save({
      customerId: world.customerA,
      name: "Fertility first",
      weights: { fertility: -1, milk_production: 0.1 },
    });
    expect(again.id).toBe(first.id);
    expect(await rowsOf(world.customerA)).toEqual([
      { name: "Fertility first", weights: { fertility: -1, milk_production: 0.1 } },
    ]);
    // The cached ranking by this index is stale after the save: the order now follows the new weights.
    const bySecond = await adminA.gbv.ranking({ indexId: first.id, limit: 25 });
    expect(bySecond.by).toMatchObject({ kind: "index", weights: { fertility: -1, milk_production: 0.1 } });
    expect(bySecond.rows.map((r) => r.animalId)).not.toEqual(byFirst.rows.map((r) => r.animalId));

    const { rows } = await world.owner.query(
      `SELECT action, target_id::text AS "targetId", customer_id::text AS "customerId" FROM audit_log
        WHERE action = 'gbv.indexes.save' AND target_id = $1 ORDER BY created_at`,
      [first.id],
    );
    expect(rows).toEqual([
      { action: "gbv.indexes.save", targetId: first.id, customerId: world.customerA },
      { action: "gbv.indexes.save", targetId: first.id, customerId: world.customerA },
    ]);
  });

  it("lets staff reaching the farm save for it; refuses the farm's plain users and researchers (FORBIDDEN)", async () => {
    const tech = (await callerFor(world, world.usersA.technician.email)).caller;
    await expect(
      tech.gbv.indexes.save({ customerId: world.customerA, name: "Staff index", weights: { longevity: 1 } }),
    ).resolves.toMatchObject({ name: "Staff index" });
    const user = (await callerFor(world, world.usersA.customer_user.email)).caller;
    await expect(
      user.gbv.indexes.save({ customerId: world.customerA, name: "Mine", weights: { longevity: 1 } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await world.owner.query(`UPDATE customers SET research_consent = true WHERE id = $1`, [world.customerA]);
    await invalidateConsenting(world.deps.runtime.cache);
    try {
      const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
      // Researchers read (here: A consents) but never write.
      expect((await researcher.gbv.indexes.list({ customerId: world.customerA })).length).toBeGreaterThan(1);
      await expect(
        researcher.gbv.indexes.save({ customerId: world.customerA, name: "Research", weights: { longevity: 1 } }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await world.owner.query(`UPDATE customers SET research_consent = false WHERE id = $1`, [world.customerA]);
      await invalidateConsenting(world.deps.runtime.cache);
    }
    expect((await rowsOf(world.customerA)).map((r) => r.name)).toEqual(["Fertility first", "Staff index"]);
  });

  it("keeps farms apart: B neither sees, ranks by nor deletes A's index; the default cannot be deleted", async () => {
    const mine = (await adminA.gbv.indexes.list({})).find((i) => i.name === "Fertility first")!;
    const seenByB = await adminB.gbv.indexes.list({});
    expect(seenByB.every((i) => i.customerId === null || i.customerId === world.customerB)).toBe(true);
    await expect(adminB.gbv.ranking({ indexId: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adminB.gbv.indexes.delete({ customerId: world.customerB, indexId: mine.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(adminB.gbv.indexes.delete({ customerId: world.customerA, indexId: mine.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const def = seenByB.find((i) => i.isDefault)!;
    await expect(adminA.gbv.indexes.delete({ customerId: world.customerA, indexId: def.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await adminA.gbv.indexes.delete({ customerId: world.customerA, indexId: mine.id })).id).toBe(mine.id);
    expect((await rowsOf(world.customerA)).map((r) => r.name)).toEqual(["Staff index"]);
    await expect(adminA.gbv.ranking({ indexId: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

// The model lifecycle and who may drive it: draft → published → retired with one published model per
// trait and panel (publishing v2 retires v1 in the same transaction), a second publication of the same
// model refused, retiring a published model turns its predictions into history; researchers and admins
// publish (audited), customer users, customer admins and technicians get FORBIDDEN and nothing changes.
// Traits: admins add them (audited), duplicates and bad codes are refused, researchers may not.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gbv } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import {
  effectsCsv,
  importForm,
  registerPanel,
  simulatedHerdPopulation,
  storeHerd,
  traitId,
  type Herd,
} from "./models-support";

let world: World;
let dataDir: string;
let herd: Herd;
let longevity: string;

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];
const as = async (role: keyof World["usersA"]): Promise<Api> =>
  (await callerFor(world, world.usersA[role].email)).caller;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-models-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-models-${process.pid}-${Date.now()}:` });
  const pop = simulatedHerdPopulation(5, 20, 200);
  herd = await storeHerd(world, pop, await registerPanel(await as("technician"), pop, "Lifecycle chip"), [
    world.customerA,
    world.customerB,
  ]);
  longevity = await traitId(world, "longevity");
}, 120_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function importDraft(caller: Api, scale: number) {
  const lines = herd.pop.panel.markers.map((m, j) => ({ snp: m.name, effect: scale * Math.sin(j), allele: m.b }));
  return caller.gbv.models.import(
    importForm({ traitId: longevity, panelId: herd.panelId, referenceSize: "500" }, effectsCsv(lines)),
  );
}

const statusOf = async (id: string) =>
  (await world.owner.query(`SELECT status::text FROM gbv_models WHERE id = $1`, [id])).rows[0].status as string;

describe("model lifecycle", () => {
  it("publishes v1, then v2 retires v1 in the same step; one published per trait and panel; audited", async () => {
    const researcher = await as("researcher");
    const admin = await as("admin");
    const v1 = await importDraft(researcher, 0.01);
    const v2 = await importDraft(admin, 0.02);
    expect([v1.version, v2.version]).toEqual([1, 2]);

    expect(await researcher.gbv.models.publish({ modelId: v1.modelId })).toEqual({
      modelId: v1.modelId,
      version: 1,
      status: "published",
      retiredModelId: null,
    });
    expect(await admin.gbv.models.publish({ modelId: v2.modelId })).toMatchObject({
      status: "published",
      retiredModelId: v1.modelId,
    });
    expect([await statusOf(v1.modelId), await statusOf(v2.modelId)]).toEqual(["retired", "published"]);
    const published = await researcher.gbv.models.list({
      traitId: longevity,
      panelId: herd.panelId,
      status: "published",
    });
    expect(published.map((m) => m.id)).toEqual([v2.modelId]);

    await expect(researcher.gbv.models.publish({ modelId: v1.modelId })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Only a draft model can be published; version 1 is retired",
    });
    const audit = await world.owner.query(
      `SELECT user_id::text AS u, target_id::text AS t FROM audit_log
        WHERE action = 'gbv.models.publish' AND result = 'ok' AND target_id = ANY($1::text[]) ORDER BY created_at`,
      [[v1.modelId, v2.modelId]],
    );
    expect(audit.rows).toEqual([
      { u: world.usersA.researcher.id, t: v1.modelId },
      { u: world.usersA.admin.id, t: v2.modelId },
    ]);
  });

  it("retiring the published model turns its predictions into history", async () => {
    const [model] = await (
      await as("researcher")
    ).gbv.models.list({
      traitId: longevity,
      panelId: herd.panelId,
      status: "published",
    });
    await gbv.scoreModelsBatch(world.deps, [model!.id]);
    const current = async () =>
      Number(
        (
          await world.owner.query(`SELECT count(*)::int AS n FROM gbv_predictions WHERE model_id = $1 AND is_current`, [
            model!.id,
          ])
        ).rows[0].n,
      );
    expect(await current()).toBe(20);
    expect(await (await as("admin")).gbv.models.retire({ modelId: model!.id })).toMatchObject({ status: "retired" });
    expect(await statusOf(model!.id)).toBe("retired");
    expect(await current()).toBe(0);
    // A retired model is never scored again.
    expect(await gbv.scoreModelsBatch(world.deps, [model!.id])).toEqual({ models: 0, genotypes: 0, predictions: 0 });
  });

  it("refuses customer users, customer admins and technicians: FORBIDDEN, nothing changes", async () => {
    const draft = await importDraft(await as("researcher"), 0.03);
    for (const role of ["customer_user", "customer_admin", "technician", "veterinarian"] as const) {
      const caller = await as(role);
      await expect(caller.gbv.models.publish({ modelId: draft.modelId })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.gbv.models.retire({ modelId: draft.modelId })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const before = Number((await world.owner.query(`SELECT count(*)::int AS n FROM gbv_models`)).rows[0].n);
      await expect(
        caller.gbv.models.import(
          importForm({ traitId: longevity, panelId: herd.panelId, referenceSize: "5" }, "SNP,Effect,Effect_allele\n"),
        ),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(Number((await world.owner.query(`SELECT count(*)::int AS n FROM gbv_models`)).rows[0].n)).toBe(before);
    }
    expect(await statusOf(draft.modelId)).toBe("draft");
    const denied = await world.owner.query(
      `SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'gbv.models.publish' AND result = 'denied' AND user_id = ANY($1::uuid[])`,
      [(["customer_user", "customer_admin", "technician", "veterinarian"] as const).map((r) => world.usersA[r].id)],
    );
    expect(denied.rows[0].n).toBe(4);
  });

  it("customer users read the catalogue: list and detail, without effects", async () => {
    const user = await as("customer_user");
    // Filtered to this file's panel: the catalogue is global and other test files add models to it.
    const models = await user.gbv.models.list({ traitId: longevity, panelId: herd.panelId });
    expect(models.length).toBeGreaterThanOrEqual(3);
    const detail = await user.gbv.models.get({ modelId: models[0]!.id });
    expect(detail).not.toHaveProperty("effects");
    expect(detail.reliability).toMatchObject({ method: "daetwyler", nReference: 500 });
    await expect(user.gbv.models.get({ modelId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("traits", () => {
  it("admins add a trait (audited); duplicates and bad codes are refused; researchers may not", async () => {
    const admin = await as("admin");
    const code = `udder_health_${Date.now() % 100000}`;
    const trait = await admin.gbv.traits.add({
      code,
      name: "Udder health",
      unit: "score",
      higherIsBetter: false,
      defaultHeritability: 0.05,
    });
    expect(trait).toMatchObject({ code, higherIsBetter: false, defaultHeritability: 0.05 });
    expect((await (await as("customer_user")).gbv.traits.list()).map((t) => t.code)).toContain(code);
    await expect(
      admin.gbv.traits.add({ code, name: "Again", unit: "score", defaultHeritability: 0.1 }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: `A trait with the code ${code} already exists` });
    await expect(
      admin.gbv.traits.add({ code: "Bad Code", name: "x", unit: "y", defaultHeritability: 0.1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      (await as("researcher")).gbv.traits.add({ code: `${code}_r`, name: "x", unit: "y", defaultHeritability: 0.1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const audit = await world.owner.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'gbv.traits.add' AND result = 'ok' AND target_id = $1`,
      [trait.id],
    );
    expect(audit.rows[0].n).toBe(1);
    // Other test files of the run read the trait list: leave it as the migration seeded it.
    await world.owner.query(`DELETE FROM gbv_traits WHERE id = $1`, [trait.id]);
  });
});

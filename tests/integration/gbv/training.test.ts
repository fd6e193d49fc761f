// Training in the system (issue 7, must-show 1): a simulated population with known true breeding
// values is stored with its packed genotypes; a researcher uploads the simulator's phenotypes and
// trains each seed trait through the REAL gbv-train queue (BullMQ on Redis, processed by a worker
// runtime registered with registerJobProcessors, as the worker process does). The draft model's
// effects score the reference animals to GEBVs that match an exact dense solve of the SNP-BLUP
// equations at the same heritability (correlation ≥ 0.999, and equal to 1e-6 relative), the job's
// cross-validation equals the library's crossValidateSnpBlup on the same data, and the accuracy
// against the true breeding values (uploaded as the records' reference values) is reported by the
// system in the model's training / CV records and printed per trait. Also: live progress to a final state,
// fixed-effect pre-correction, a failing training marked 'failed', bad requests and permissions.
// Bad phenotype files are in phenotypes.test.ts.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { silentLogger } from "@reprotech/core";
import { withSystem } from "@reprotech/db";
import { gbv, genotypes, registerJobProcessors } from "@reprotech/domain";
import {
  bytesPerSample,
  crossValidateSnpBlup,
  sampleRow,
  scoreGenotypes,
  simulatePopulation,
  type PackedMatrix,
} from "@reprotech/genomics";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServices } from "../../support/app";
import { buildDeps } from "../../support/deps";
import { callerFor, createWorld, type Caller, type World } from "../../support/identity";
import { correlation, denseSnpBlupGebv, insertGenotypedAnimals, insertPanel, phenotypeCsv } from "./training-support";

const N = 300;
const SNPS = 1000;
const TRAITS = ["milk_production", "fertility", "disease_resistance", "longevity"] as const;

let world: World;
let dataDir: string;
let env: Record<string, string>;
let worker: ReturnType<typeof buildDeps> | undefined;
let researcher: Caller["caller"];
let panelId: string;
let officialIds: string[];
let setId: string;
const pop = simulatePopulation({ seed: 2026, nAnimals: N, nSnps: SNPS, idPrefix: "TRN" });
const rowOf = new Map<string, number>();

async function startWorker() {
  worker = buildDeps(runServices(), env, "gbv-train-worker");
  await registerJobProcessors({
    runtime: worker.deps.runtime,
    db: worker.deps.db,
    pool: worker.deps.pool,
    log: silentLogger,
    workerId: "gbv-train-test",
    concurrency: 1,
    auditRetentionMonths: 24,
    blobs: genotypes.blobStoreFromConfig({ DATA_DIR: dataDir }),
  });
}

interface ModelRow {
  status: string;
  trainingError: string | null;
  effects: Buffer;
  alleleFreqs: Buffer;
  intercept: number;
  heritability: number;
  crossValidation: gbv.CrossValidationReport | null;
  training: Record<string, unknown> | null;
  reliability: Record<string, unknown> | null;
  artefactKey: string | null;
  version: number;
}

/** Waits (polling the row) until the job has left 'training'. */
async function finished(modelId: string, timeoutMs = 120_000): Promise<ModelRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await world.owner.query<ModelRow>(
      `SELECT status::text AS status, training_error AS "trainingError", effects, allele_freqs AS "alleleFreqs",
              intercept, heritability, cross_validation AS "crossValidation", training, reliability,
              artefact_key AS "artefactKey", version
         FROM gbv_models WHERE id = $1`,
      [modelId],
    );
    if (rows[0] && rows[0].status !== "training") return rows[0];
    if (Date.now() > until) throw new Error(`training ${modelId} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Rows of the population in the given official-ID order, as one packed matrix. */
function matrixOf(ids: string[]): PackedMatrix {
  const stride = bytesPerSample(SNPS);
  const data = new Uint8Array(ids.length * stride);
  ids.forEach((id, r) => data.set(sampleRow(pop.genotypes, rowOf.get(id)!), r * stride));
  return { nSamples: ids.length, nSnps: SNPS, data };
}

async function upload(caller: Caller["caller"], name: string, bytes: Uint8Array) {
  const fd = new FormData();
  fd.set("file", new File([bytes], name));
  return caller.gbv.training.uploadPhenotypes(fd);
}

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-train-"));
  env = { DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-train-${randomUUID().slice(0, 8)}:` };
  world = await createWorld(env);
  researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
  panelId = await insertPanel(world.owner, SNPS, "Training chip");
  // The reference population belongs to the farm with research consent.
  ({ officialIds } = await insertGenotypedAnimals(world.owner, world.consenting, panelId, pop.genotypes));
  officialIds.forEach((id, i) => rowOf.set(id, i));
}, 120_000);
afterAll(async () => {
  await worker?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("gbv training", () => {
  it("uploads the simulated phenotypes of every seed trait as one set (idempotent for the same file)", async () => {
    const records = TRAITS.flatMap((code, t) =>
      officialIds.map((id, i) => [id, code, pop.phenotypes[t]![i]!.toFixed(6), String(pop.tbv[t]![i]!)]),
    );
    // The true breeding values go along as the reference the system reports its accuracy against.
    const bytes = phenotypeCsv(["official_id", "trait", "value", "true_value"], records);
    const first = await upload(researcher, "simulated.csv", bytes);
    expect(first.created).toBe(true);
    expect(first.set.recordCount).toBe(4 * N);
    expect(first.set.traits.map((t) => [t.traitCode, t.records])).toEqual([...TRAITS].sort().map((code) => [code, N]));
    setId = first.set.id;
    const again = await upload(researcher, "simulated-again.csv", bytes);
    expect(again).toMatchObject({ created: false, set: { id: setId } });
    // Research data added for the consenting farm is on that farm's audit record.
    const { rows } = await world.owner.query(
      `SELECT detail FROM audit_log WHERE customer_id = $1 AND action = 'gbv.training.uploadPhenotypes'`,
      [world.consenting],
    );
    expect(rows.map((r: { detail: string }) => r.detail)).toEqual([expect.stringContaining(`${4 * N} records`)]);
  });

  it("trains through the gbv-train job with progress rising to completed", async () => {
    // No worker yet: the job waits in the queue while the subscription starts.
    const started = await researcher.gbv.training.start({
      phenotypeSetId: setId,
      traitCode: "milk_production",
      panelId,
    });
    expect(started).toMatchObject({ folds: 5, heritability: 0.3 });
    const stream = await researcher.gbv.training.progress({ modelId: started.modelId });
    const events: gbv.TrainingProgress[] = [];
    const collected = (async () => {
      for await (const event of stream as AsyncIterable<gbv.TrainingProgress>) events.push(event);
    })();
    await startWorker();
    await collected;
    const model = await finished(started.modelId);
    expect(model.status, model.trainingError ?? "").toBe("draft");
    expect(events[0]!.phase).toBe("queued");
    expect(events.at(-1)).toMatchObject({ phase: "completed", records: N });
    for (let i = 1; i < events.length; i++) expect(events[i]!.step).toBeGreaterThan(events[i - 1]!.step);
    const folds = events.filter((e) => e.phase === "cross-validation").map((e) => e.fold);
    expect(folds).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.phase)).toEqual(
      expect.arrayContaining(["loading", "cross-validation", "training", "storing", "completed"]),
    );
    // A late subscriber gets the final state at once.
    const late: gbv.TrainingProgress[] = [];
    for await (const e of (await researcher.gbv.training.progress({
      modelId: started.modelId,
    })) as AsyncIterable<gbv.TrainingProgress>)
      late.push(e);
    expect(late).toEqual([expect.objectContaining({ phase: "completed" })]);
  }, 120_000);

  it("must-show 1: GEBVs of the trained models equal an exact dense solve; accuracy against the true values per trait", async () => {
    const store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
    const report: (Record<string, unknown> & { trait: string; accuracyTraining: number })[] = [];
    for (const [t, code] of TRAITS.entries()) {
      const { rows: existing } = await world.owner.query<{ id: string }>(
        `SELECT m.id::text FROM gbv_models m JOIN gbv_traits t ON t.id = m.trait_id
          WHERE t.code = $1 AND m.panel_id = $2 AND m.status = 'draft' ORDER BY m.version LIMIT 1`,
        [code, panelId],
      );
      const modelId =
        existing[0]?.id ??
        (await researcher.gbv.training.start({ phenotypeSetId: setId, traitCode: code, panelId })).modelId;
      const model = await finished(modelId);
      expect(model.status, model.trainingError ?? "").toBe("draft");
      const effects = gbv.decodeFloat64(model.effects);
      const freqs = gbv.decodeFloat64(model.alleleFreqs);
      expect(effects).toHaveLength(SNPS);
      expect(model.training).toMatchObject({ converged: true, nTraining: N, heritability: pop.traits[t]!.h2 });
      expect(model.training!.relativeResidual as number).toBeLessThan(1e-8);
      expect(model.reliability).toMatchObject({ method: "pev", nReference: N });
      expect(model.artefactKey).toBe(gbv.modelArtefactKey(code, panelId, model.version, "model-json"));
      expect(await store.exists(model.artefactKey!)).toBe(true);

      // The system's path: the stored effects score the reference animals (population order).
      const system = scoreGenotypes(pop.genotypes, freqs, [effects], { intercepts: [model.intercept] });
      const dense = denseSnpBlupGebv(pop.genotypes, pop.phenotypes[t]!, freqs, model.heritability);
      const r = correlation(system, dense);
      expect(r).toBeGreaterThanOrEqual(0.999);
      const sd = Math.sqrt(dense.reduce((s, v) => s + (v - dense[0]!) ** 2, 0) / N) || 1;
      system.forEach((v, i) => expect(Math.abs(v - dense[i]!) / sd).toBeLessThan(1e-5));

      // The job's CV equals the library's crossValidateSnpBlup on the same animals in the same order.
      const cv = model.crossValidation!;
      const ids = cv.pairs.map((p) => p.officialId);
      const lib = crossValidateSnpBlup(
        matrixOf(ids),
        Float64Array.from(cv.pairs, (p) => p.observed),
        { h2: model.heritability, folds: 5, seed: 1, p: freqs, tolerance: 1e-8, maxIterations: 2000 },
      );
      expect(cv.correlation).toBeCloseTo(lib.correlation, 9);
      expect(cv.slope).toBeCloseTo(lib.slope, 9);
      cv.pairs.forEach((p, i) => expect(p.predicted).toBeCloseTo(lib.predicted[i]!, 9));

      const tbv = pop.tbv[t]!;
      const accuracy = correlation(system, tbv);
      const cvAccuracy = correlation(
        cv.pairs.map((p) => p.predicted),
        cv.pairs.map((p) => tbv[rowOf.get(p.officialId)!]!),
      );
      // The system reports the same accuracies in the model's training and CV records.
      expect(model.training!.referenceAccuracy as number).toBeCloseTo(accuracy, 9);
      expect(cv.referenceCorrelation!).toBeCloseTo(cvAccuracy, 9);
      report.push({
        trait: code,
        h2: model.heritability,
        denseCorrelation: Number(r.toFixed(8)),
        accuracyTraining: Number(accuracy.toFixed(3)),
        accuracyCv: Number(cvAccuracy.toFixed(3)),
        cvPredictiveCorrelation: Number(cv.correlation.toFixed(3)),
        cvSlope: Number(cv.slope.toFixed(3)),
        iterations: model.training!.iterations,
      });
    }
    console.log("must-show 1 (300 animals × 1,000 SNPs, simulated):");
    console.table(report);
    // GEBVs carry information about the true values, the milk trait (h2 0.3) most.
    for (const r of report) expect(r.accuracyTraining).toBeGreaterThan(r.trait === "milk_production" ? 0.5 : 0.15);
  }, 240_000);

  it("pre-corrects phenotypes for contemporary groups and other fixed effects", async () => {
    // Ten herd-year groups with large offsets and a parity effect on top of the simulated milk yields.
    const t = 0;
    const records = officialIds.map((id, i) => {
      const group = `HY${i % 10}`;
      const parity = String(1 + (i % 3));
      const value = pop.phenotypes[t]![i]! + (i % 10) * 2000 + Number(parity) * 700;
      return [id, "milk_production", value.toFixed(6), group, parity];
    });
    const bytes = phenotypeCsv(["Animal ID", "Trait", "Value", "Contemporary group", "parity"], records);
    const { set } = await upload(researcher, "grouped.csv", bytes);
    const { modelId } = await researcher.gbv.training.start({
      phenotypeSetId: set.id,
      traitCode: "milk_production",
      panelId,
    });
    const model = await finished(modelId);
    expect(model.status, model.trainingError ?? "").toBe("draft");
    expect(model.training!.fixedEffects).toMatchObject({
      factors: [
        { name: "contemporary_group", levels: 10 },
        { name: "parity", levels: 3 },
      ],
      droppedSingletons: 0,
    });
    expect(model.training!.referenceAccuracy).toBeNull(); // no reference values in this file
    const grouped = scoreGenotypes(pop.genotypes, gbv.decodeFloat64(model.alleleFreqs), [
      gbv.decodeFloat64(model.effects),
    ]);
    // Without the correction the offsets would swamp the genetic signal; with it the GEBVs are close to
    // those trained on the uncorrected simulated yields (and far from the offsets' pattern).
    const dense = denseSnpBlupGebv(pop.genotypes, pop.phenotypes[t]!, gbv.decodeFloat64(model.alleleFreqs), 0.3);
    expect(correlation(grouped, dense)).toBeGreaterThan(0.9);
    expect(
      Math.abs(
        correlation(
          grouped,
          Float64Array.from(officialIds, (_, i) => i % 10),
        ),
      ),
    ).toBeLessThan(0.3);
  }, 120_000);

  it("a training that cannot run ends 'failed' with the reason, and progress says so", async () => {
    // Every animal alone in its contemporary group: nothing is left once the groups are corrected for.
    const records = officialIds.slice(0, 80).map((id, i) => [id, "longevity", String(40 + (i % 7)), `G${i}`]);
    const { set } = await upload(
      researcher,
      "singletons.csv",
      phenotypeCsv(["official_id", "trait", "value", "cg"], records),
    );
    const { modelId } = await researcher.gbv.training.start({
      phenotypeSetId: set.id,
      traitCode: "longevity",
      panelId,
    });
    const model = await finished(modelId);
    expect(model.status).toBe("failed");
    expect(model.trainingError).toMatch(/0 usable records.*80 alone in their group.*at least 50/);
    const events: gbv.TrainingProgress[] = [];
    for await (const e of (await researcher.gbv.training.progress({ modelId })) as AsyncIterable<gbv.TrainingProgress>)
      events.push(e);
    expect(events).toEqual([expect.objectContaining({ phase: "failed", errorMessage: model.trainingError })]);
  }, 120_000);

  it("a run whose model was failed meanwhile (lost-job recovery) keeps that outcome and leaves no artefact", async () => {
    // BullMQ can fail a job whose locks were lost while its handler still runs; lost-job recovery then
    // marks the model failed. Here that happens while the run stores its artefact, just before its own
    // UPDATE: the run must not turn the row into a draft, announce "completed" or leave the artefact.
    const { modelId } = await withSystem(world.deps.db, (tx) =>
      gbv.inCallerScope(tx, [world.consenting], () =>
        gbv.startTraining(tx, { phenotypeSetId: setId, traitCode: "fertility", panelId, folds: 2 }, null),
      ),
    );
    const real = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
    const keys: string[] = [];
    const tripping: genotypes.BlobStore = {
      async put(key, source) {
        const stored = await real.put(key, source);
        keys.push(key);
        await world.owner.query(`UPDATE gbv_models SET status = 'failed', training_error = 'lost' WHERE id = $1`, [
          modelId,
        ]);
        return stored;
      },
      get: (key) => real.get(key),
      exists: (key) => real.exists(key),
      delete: (key) => real.delete(key),
    };
    const events: gbv.TrainingProgress[] = [];
    const { pubsub, cache } = world.deps.runtime;
    const unsubscribe = await pubsub.subscribe(
      gbv.trainingChannel(modelId),
      (m) => void events.push(m as gbv.TrainingProgress),
    );
    const outcome = await gbv.runTraining(
      world.deps.db,
      tripping,
      { modelId, customerIds: [world.consenting] },
      { pubsub, cache },
    );
    await new Promise((r) => setTimeout(r, 300));
    await unsubscribe();
    expect(outcome).toEqual({ status: "skipped", modelId });
    const model = await finished(modelId);
    expect(model).toMatchObject({ status: "failed", trainingError: "lost", artefactKey: null });
    expect(keys).toHaveLength(1);
    expect(await real.exists(keys[0]!)).toBe(false);
    expect(events.length).toBeGreaterThan(0); // the run did report its phases
    expect(events.map((e) => e.phase)).not.toContain("completed");
  }, 120_000);

  it("refuses a start it cannot train: a panel no phenotyped animal has, bad heritability, unknown set", async () => {
    const emptyPanel = await insertPanel(world.owner, SNPS, "Unused chip");
    const before = await world.owner.query(`SELECT count(*)::int AS n FROM gbv_models`);
    const none = await trpcError(
      researcher.gbv.training.start({ phenotypeSetId: setId, traitCode: "milk_production", panelId: emptyPanel }),
    );
    expect(none.code).toBe("BAD_REQUEST");
    expect(none.message).toMatch(/Only 0 of the 300 milk_production records .* at least 50/);
    const h2 = await trpcError(
      researcher.gbv.training.start({
        phenotypeSetId: setId,
        traitCode: "milk_production",
        panelId,
        heritability: 1.2,
      }),
    );
    expect(h2.code).toBe("BAD_REQUEST");
    const unknown = await trpcError(
      researcher.gbv.training.start({ phenotypeSetId: randomUUID(), traitCode: "milk_production", panelId }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    const after = await world.owner.query(`SELECT count(*)::int AS n FROM gbv_models`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("customer users can neither upload, train nor follow a training", async () => {
    const user = (await callerFor(world, world.usersA.customer_user.email)).caller;
    const admin = (await callerFor(world, world.usersA.customer_admin.email)).caller;
    for (const c of [user, admin]) {
      const bytes = phenotypeCsv(["official_id", "trait", "value"], [[officialIds[0]!, "milk_production", "1"]]);
      expect((await trpcError(upload(c, "x.csv", bytes))).code).toBe("FORBIDDEN");
      expect(
        (await trpcError(c.gbv.training.start({ phenotypeSetId: setId, traitCode: "milk_production", panelId }))).code,
      ).toBe("FORBIDDEN");
      expect((await trpcError(c.gbv.training.progress({ modelId: randomUUID() }))).code).toBe("FORBIDDEN");
    }
  });
});

// `pnpm bench:gbv-train`: training a GBV model on 5,000 animals × 50,000 SNPs through the system —
// gbv.training.start's domain call, the gbv-train job on a BullMQ worker (real Redis, a fresh
// PostgreSQL database), from enqueue to the draft model stored (load the genotypes from the database,
// 5-fold CV, final SNP-BLUP, artefact to blob storage, row updated) — against the genomics library
// alone on the same packed matrix and phenotypes in memory: the same work (crossValidateSnpBlup with
// 5 folds + trainSnpBlup) and a single trainSnpBlup. Prints the times, the ratio, iterations and peak
// RSS (one process: the worker runs in-process, so the peak after the job covers the job, the one at
// the end covers both). The training runs in a worker thread: BullMQ's "could not renew lock" errors,
// which an event loop blocked for minutes causes for the process's heartbeat job, must not appear in
// the output. Sizes: BENCH_ANIMALS, BENCH_SNPS.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gbvTrainQueue } from "@reprotech/cache";
import { silentLogger } from "@reprotech/core";
import { appendAudit, withSystem } from "@reprotech/db";
import { gbv, genotypes, registerJobProcessors } from "@reprotech/domain";
import { crossValidateSnpBlup, simulatePopulation, trainSnpBlup } from "@reprotech/genomics";
import pg from "pg";
import { createTestDatabase } from "../support/database";
import { buildDeps } from "../support/deps";
import { redisUrl } from "../support/env";
import { insertGenotypedAnimals, insertPanel, phenotypeCsv } from "../integration/gbv/training-support";

const nAnimals = Number(process.env.BENCH_ANIMALS ?? 5000);
const nSnps = Number(process.env.BENCH_SNPS ?? 50_000);
const FOLDS = 5;
const H2 = 0.3;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

console.log(`gbv-train benchmark: ${nAnimals} animals × ${nSnps} SNPs, ${FOLDS}-fold CV, h2 ${H2}`);
let t0 = Date.now();
const pop = simulatePopulation({
  seed: 5,
  nAnimals,
  nSnps,
  idPrefix: "BEN",
  traits: [{ name: "milk_production", unit: "kg", h2: H2, mean: 9000, sdP: 1500, nQtl: 500 }],
});
console.log(`simulated in ${seconds(Date.now() - t0)} s`);

const database = await createTestDatabase();
const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 4 });
owner.on("error", () => {});
const dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-bench-gbv-train-"));
const services = {
  appUrl: database.appUrl,
  ownerUrl: database.ownerUrl,
  redisUrl,
  redisPrefix: `bench:${randomUUID()}:`,
};
const api = buildDeps(services, { DATA_DIR: dataDir }, "bench-api");
const worker = buildDeps(services, { DATA_DIR: dataDir }, "bench-worker");
for (const d of [api, worker]) d.deps.pool.on("error", () => {});

try {
  t0 = Date.now();
  const customerId = randomUUID();
  await owner.query(
    `INSERT INTO customers (id, name, research_consent, updated_at) VALUES ($1, 'Bench reference farm', true, now())`,
    [customerId],
  );
  const panelId = await insertPanel(owner, nSnps, "Bench 50K chip");
  const { officialIds } = await insertGenotypedAnimals(owner, customerId, panelId, pop.genotypes);
  const bytes = phenotypeCsv(
    ["official_id", "trait", "value"],
    officialIds.map((id, i) => [id, "milk_production", pop.phenotypes[0]![i]!.toFixed(4)]),
  );
  const { set } = await withSystem(api.deps.db, (tx) =>
    gbv.uploadPhenotypes(tx, {
      file: { name: "bench.csv", data: bytes },
      uploadedBy: null,
      audit: (entry) => appendAudit(tx, { action: "bench", result: "ok", targetType: "gbv_phenotype_set", ...entry }),
    }),
  );
  console.log(`genotypes and phenotypes stored in ${seconds(Date.now() - t0)} s`);

  await registerJobProcessors({
    runtime: worker.deps.runtime,
    db: worker.deps.db,
    pool: worker.deps.pool,
    log: silentLogger,
    workerId: "bench-worker",
    concurrency: 1,
    auditRetentionMonths: 24,
    blobs: genotypes.blobStoreFromConfig({ DATA_DIR: dataDir }),
  });

  // Through the system: start (model row) → enqueue → worker → draft model stored.
  const rssBefore = peakRssMb();
  t0 = Date.now();
  const started = await withSystem(api.deps.db, (tx) =>
    gbv.startTraining(
      tx,
      { phenotypeSetId: set.id, traitCode: "milk_production", panelId, heritability: H2, folds: FOLDS },
      null,
    ),
  );
  await api.deps.runtime.queues.add(
    gbvTrainQueue,
    { modelId: started.modelId, customerIds: "all" },
    { jobId: started.modelId },
  );
  let row: {
    status: string;
    training: Record<string, number> | null;
    error: string | null;
    cv: { correlation: number } | null;
  };
  for (;;) {
    const { rows } = await owner.query(
      `SELECT status::text AS status, training, training_error AS error, cross_validation AS cv FROM gbv_models WHERE id = $1`,
      [started.modelId],
    );
    row = rows[0];
    if (row.status !== "training") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const jobMs = Date.now() - t0;
  if (row.status !== "draft") throw new Error(`training ended ${row.status}: ${row.error}`);
  const rssAfterJob = peakRssMb();

  // The library alone, same matrix and phenotypes in memory.
  const y = pop.phenotypes[0]!;
  t0 = Date.now();
  const cv = crossValidateSnpBlup(pop.genotypes, y, {
    h2: H2,
    folds: FOLDS,
    seed: 1,
    tolerance: 1e-8,
    maxIterations: 2000,
  });
  const fit = trainSnpBlup(pop.genotypes, y, { h2: H2, tolerance: 1e-8, maxIterations: 2000 });
  const libraryMs = Date.now() - t0;
  t0 = Date.now();
  trainSnpBlup(pop.genotypes, y, { h2: H2, tolerance: 1e-8, maxIterations: 2000 });
  const singleMs = Date.now() - t0;

  const training = row.training!;
  console.log("");
  console.log(
    `through the job (enqueue → draft stored): ${seconds(jobMs)} s — final fit ${training.iterations} iterations ` +
      `(converged, relative residual ${training.relativeResidual!.toExponential(2)}), CV + fit in the thread ${training.computeSeconds!.toFixed(1)} s, ` +
      `CV r ${row.cv!.correlation.toFixed(3)}`,
  );
  console.log(
    `library alone (5-fold CV + final fit): ${seconds(libraryMs)} s — final fit ${fit.iterations} iterations, ` +
      `CV r ${cv.correlation.toFixed(3)}, fold iterations ${cv.folds.map((f) => f.iterations).join("/")}`,
  );
  console.log(`library single SNP-BLUP fit: ${seconds(singleMs)} s (${fit.iterations} iterations)`);
  console.log(`ratio job / library (same work): ${(jobMs / libraryMs).toFixed(2)}×`);
  console.log(`ratio job / single library fit: ${(jobMs / singleMs).toFixed(2)}×`);
  console.log(
    `peak RSS: ${rssBefore} MB before the job (simulated population + stores), ${rssAfterJob} MB after the job, ${peakRssMb()} MB at the end`,
  );
} finally {
  await worker.close();
  await api.close();
  await owner.end();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
// BullMQ's blocking worker connections can outlive close(); the figures are printed, so end here.
process.exit(0);

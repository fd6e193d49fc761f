// What the ranking, distribution, index and report tests share.
// - scoredHerd / rescore: the REAL path — a simulated herd (the genomics library's simulator) on a panel
//   registered through genotypes.panels.register, its genotypes stored as the ingest stores them
//   (models-support.ts), then one effects file per seeded trait imported through gbv.models.import and
//   published through gbv.models.publish, so the gbv-score job (registerJobProcessors, in process)
//   writes the predictions, percentiles and cache invalidations exactly as in production. rescore
//   publishes a new version of one trait's model: new current predictions, the old ones history.
import { randomUUID } from "node:crypto";
import { gbvScoreQueue } from "@reprotech/cache";
import { silentLogger } from "@reprotech/core";
import { genotypes, registerJobProcessors } from "@reprotech/domain";
import type pg from "pg";
import { callerFor, type World } from "../../support/identity";
import {
  effectsCsv,
  importForm,
  registerPanel,
  simulatedHerdPopulation,
  storeHerd,
  waitForJobs,
} from "./models-support";

export const TRAIT_CODES = ["milk_production", "fertility", "disease_resistance", "longevity"] as const;
export type TraitCode = (typeof TRAIT_CODES)[number];

/** A deterministic generator, so a failing case can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededAnimal {
  id: string;
  customerId: string;
  officialId: string;
  name: string;
  breed: string;
  sex: "female" | "male";
  birthDate: string;
  status: "active" | "sold";
  genotypeId: string;
}

const BREEDS = ["HO", "JE", "BS"];

/** Current predictions as rows, straight from the table (the tests' independent source). */
export async function currentPredictions(owner: pg.Pool, panelId: string) {
  const { rows } = await owner.query<{
    animalId: string;
    customerId: string;
    code: TraitCode;
    value: number;
    reliability: number;
    pb: number | null;
    pc: number | null;
  }>(
    `SELECT p.animal_id::text AS "animalId", p.customer_id::text AS "customerId", t.code, p.value, p.reliability,
            p.percentile_breed AS pb, p.percentile_customer AS pc
       FROM gbv_predictions p JOIN gbv_traits t ON t.id = p.trait_id JOIN gbv_models m ON m.id = p.model_id
      WHERE p.is_current AND m.panel_id = $1`,
    [panelId],
  );
  return rows;
}

/** Runs the job handlers (gbv-score among them) in this process, on the world's queues. */
export async function startScoring(world: World): Promise<void> {
  await registerJobProcessors({
    runtime: world.deps.runtime,
    db: world.deps.db,
    pool: world.deps.pool,
    log: silentLogger,
    workerId: `gbv-reads-${randomUUID().slice(0, 8)}`,
    concurrency: 1,
    auditRetentionMonths: world.deps.config.AUDIT_RETENTION_MONTHS,
    blobs: genotypes.blobStoreFromConfig(world.deps.config),
  });
}

export interface ScoredHerd {
  panelId: string;
  animals: SeededAnimal[];
  traits: Record<TraitCode, { id: string; higherIsBetter: boolean }>;
  markers: { name: string; b: string }[];
  /** gbv-score jobs completed so far on the world's queue (publishing enqueues one). */
  jobs: number;
}

/** Imports an effects file for `trait` (effects drawn from `seed`) and publishes it; waits for its scoring. */
export async function rescore(world: World, herd: ScoredHerd, trait: TraitCode, seed: number): Promise<number> {
  const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
  const random = rng(seed);
  const SCALE: Record<TraitCode, number> = {
    milk_production: 40,
    fertility: 0.3,
    disease_resistance: 0.5,
    longevity: 0.6,
  };
  const lines = herd.markers.map((m) => ({ snp: m.name, effect: SCALE[trait] * (random() - 0.5), allele: m.b }));
  const imported = await researcher.gbv.models.import(
    importForm(
      {
        traitId: herd.traits[trait].id,
        panelId: herd.panelId,
        referenceSize: String(1000 + 1000 * TRAIT_CODES.indexOf(trait)),
      },
      effectsCsv(lines, { intercept: 10 * TRAIT_CODES.indexOf(trait) }),
    ),
  );
  await researcher.gbv.models.publish({ modelId: imported.modelId });
  herd.jobs++;
  await waitForJobs(world, gbvScoreQueue, herd.jobs);
  return imported.version;
}

/**
 * A herd spread over customers (`counts[i]` animals for `customers[i]`), breeds HO/JE/BS in turn, with
 * varied sex, birth date, status and names, scored for the four seeded traits through the real path.
 * The world must have its own REDIS_KEY_PREFIX (its own queues) and startScoring must have run.
 */
export async function scoredHerd(
  world: World,
  options: { customers: string[]; counts: number[]; nSnps?: number; seed?: number },
): Promise<ScoredHerd> {
  const seed = options.seed ?? 1;
  const owners = options.customers.flatMap((c, i) => new Array<string>(options.counts[i]!).fill(c));
  const breeds = owners.map((_, i) => BREEDS[i % BREEDS.length]!);
  const pop = simulatedHerdPopulation(seed, owners.length, options.nSnps ?? 300);
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const panelId = await registerPanel(tech, pop, "GBV reads chip");
  const stored = await storeHerd(world, pop, panelId, owners, breeds);
  const random = rng(seed + 1);
  const animals: SeededAnimal[] = stored.animalIds.map((id, i) => ({
    id,
    customerId: owners[i]!,
    officialId: stored.officialIds[i]!,
    name: `Cow ${i}`,
    breed: breeds[i]!,
    sex: random() < 0.8 ? "female" : "male",
    birthDate: `20${String(15 + Math.floor(random() * 9)).padStart(2, "0")}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
    status: random() < 0.85 ? "active" : "sold",
    genotypeId: stored.genotypeIds[i]!,
  }));
  await world.owner.query(
    `UPDATE animals a SET name = v.name, sex = v.sex::"Sex", birth_date = v.bd::date, status = v.st::"AnimalStatus",
            status_date = CASE WHEN v.st = 'active' THEN NULL ELSE v.bd::date + 400 END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(id, name, sex, bd, st)
      WHERE a.id = v.id`,
    [
      animals.map((a) => a.id),
      animals.map((a) => a.name),
      animals.map((a) => a.sex),
      animals.map((a) => a.birthDate),
      animals.map((a) => a.status),
    ],
  );
  const { rows } = await world.owner.query<{ id: string; code: TraitCode; hib: boolean }>(
    `SELECT id::text, code, higher_is_better AS hib FROM gbv_traits WHERE code = ANY($1)`,
    [TRAIT_CODES],
  );
  const traits = Object.fromEntries(
    rows.map((r) => [r.code, { id: r.id, higherIsBetter: r.hib }]),
  ) as ScoredHerd["traits"];
  const herd: ScoredHerd = {
    panelId,
    animals,
    traits,
    markers: pop.panel.markers.map((m) => ({ name: m.name, b: m.b })),
    jobs: 0,
  };
  for (const [k, code] of TRAIT_CODES.entries()) await rescore(world, herd, code, seed * 100 + k);
  return herd;
}

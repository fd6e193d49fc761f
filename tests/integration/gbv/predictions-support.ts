// What the ranking, distribution, index and report tests share: a SNP panel with one published model
// per seeded trait, and herds whose animals carry a current genotype and one current prediction per
// trait — written as the owner with plain SQL, the rows the scoring job stores (model → genotype →
// prediction, one current per animal and trait). A "new prediction" is a new model version scoring
// the animal, the old row kept as history, followed by the cache invalidation scoring does after COMMIT.
import { createHash, randomInt, randomUUID } from "node:crypto";
import type { Cache } from "@reprotech/cache";
import { gbv } from "@reprotech/domain";
import { packCounts } from "@reprotech/genomics";
import type pg from "pg";

// Official IDs as the animals tests make them (HO + 840 + 12 digits), generated here because the
// benchmark (tests/bench/gbv-ranking.ts) seeds through this file outside Vitest.
const run = String(randomInt(0, 1_000_000)).padStart(6, "0");
let seq = 0;
const newOfficialId = (breed: string) => `${breed}840${run}${String(++seq).padStart(6, "0")}`;

export const TRAIT_CODES = ["milk_production", "fertility", "disease_resistance", "longevity"] as const;
export type TraitCode = (typeof TRAIT_CODES)[number];

export interface GbvFixture {
  panelId: string;
  nSnps: number;
  freqs: Float64Array;
  traits: Record<TraitCode, { id: string; higherIsBetter: boolean }>;
  /** The current model per trait (the latest version). */
  models: Record<TraitCode, { id: string; version: number }>;
}

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

async function insertModel(owner: pg.Pool, traitId: string, panelId: string, version: number, freqs: Float64Array) {
  const id = randomUUID();
  await owner.query(
    `UPDATE gbv_models SET status = 'retired', published_slot = NULL, retired_at = now()
      WHERE trait_id = $1 AND panel_id = $2 AND status = 'published'`,
    [traitId, panelId],
  );
  await owner.query(
    `INSERT INTO gbv_models (id, trait_id, panel_id, version, status, source, published_slot, snp_count, effects,
                             allele_freqs, provenance, published_at, updated_at)
     VALUES ($1, $2::uuid, $3::uuid, $4, 'published', 'imported', $2::text || ':' || $3::text, $5, $6, $7, '{"test": true}', now(), now())`,
    [
      id,
      traitId,
      panelId,
      version,
      freqs.length,
      Buffer.from(gbv.encodeFloat64(new Float64Array(freqs.length).fill(0.01))),
      Buffer.from(gbv.encodeFloat64(freqs)),
    ],
  );
  return id;
}

/** A panel of `nSnps` markers with a published model per seeded trait (catalogue rows, as the owner). */
export async function gbvFixture(owner: pg.Pool, nSnps = 64, seed = 1): Promise<GbvFixture> {
  const random = rng(seed);
  const panelId = randomUUID();
  await owner.query(
    `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
     VALUES ($1, $2, '1', $3, '\\x00', $4, 'map')`,
    [panelId, `GBV test chip ${panelId.slice(0, 8)}`, nSnps, createHash("sha256").update(panelId).digest("hex")],
  );
  const freqs = Float64Array.from({ length: nSnps }, () => 0.1 + 0.8 * random());
  const { rows } = await owner.query<{ id: string; code: TraitCode; hib: boolean }>(
    `SELECT id::text, code, higher_is_better AS hib FROM gbv_traits WHERE code = ANY($1)`,
    [TRAIT_CODES],
  );
  const traits = {} as GbvFixture["traits"];
  const models = {} as GbvFixture["models"];
  for (const r of rows) {
    traits[r.code] = { id: r.id, higherIsBetter: r.hib };
    models[r.code] = { id: await insertModel(owner, r.id, panelId, 1, freqs), version: 1 };
  }
  return { panelId, nSnps, freqs, traits, models };
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

/**
 * `n` animals of `customerId` with a genotype on the fixture's panel and a prediction per trait
 * (`traits` to leave some out). Values are drawn around a trait-specific mean; set-based inserts.
 */
export async function seedHerd(
  owner: pg.Pool,
  fx: GbvFixture,
  customerId: string,
  n: number,
  options: { seed?: number; traits?: readonly TraitCode[] } = {},
): Promise<SeededAnimal[]> {
  const random = rng(options.seed ?? 7);
  const uploadId = randomUUID();
  await owner.query(
    `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
     VALUES ($1, $2, 'seeded.txt', 1, $3, $4, 'final_report', $5, 'completed', now())`,
    [
      uploadId,
      customerId,
      createHash("sha256").update(uploadId).digest("hex"),
      `raw-snp-files/customer-${customerId}/${uploadId}`,
      fx.panelId,
    ],
  );
  const animals: SeededAnimal[] = Array.from({ length: n }, (_, i) => {
    const breed = BREEDS[i % BREEDS.length]!;
    return {
      id: randomUUID(),
      customerId,
      officialId: newOfficialId(breed),
      name: `Cow ${i}`,
      breed,
      sex: random() < 0.8 ? "female" : "male",
      birthDate: `20${String(15 + Math.floor(random() * 9)).padStart(2, "0")}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      status: random() < 0.85 ? "active" : "sold",
      genotypeId: randomUUID(),
    };
  });
  await owner.query(
    `INSERT INTO animals (id, customer_id, official_id, name, breed, sex, birth_date, status, status_date, updated_at)
     SELECT a.id, $1, a.oid, a.name, a.breed, a.sex::"Sex", a.bd::date, a.st::"AnimalStatus",
            CASE WHEN a.st = 'active' THEN NULL ELSE a.bd::date + 400 END, now()
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
            AS a(id, oid, name, breed, sex, bd, st)`,
    [
      customerId,
      animals.map((a) => a.id),
      animals.map((a) => a.officialId),
      animals.map((a) => a.name),
      animals.map((a) => a.breed),
      animals.map((a) => a.sex),
      animals.map((a) => a.birthDate),
      animals.map((a) => a.status),
    ],
  );
  const packed = animals.map(() =>
    Buffer.from(packCounts(Array.from(fx.freqs, (p) => (random() < p ? 1 : 0) + (random() < p ? 1 : 0)))),
  );
  await owner.query(
    `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status)
     SELECT g.id, $1, g.animal_id, $2, $3, g.packed, 1, 0.3, 'pass'
       FROM unnest($4::uuid[], $5::uuid[], $6::bytea[]) AS g(id, animal_id, packed)`,
    [customerId, fx.panelId, uploadId, animals.map((a) => a.genotypeId), animals.map((a) => a.id), packed],
  );
  const MEAN: Record<TraitCode, number> = { milk_production: 300, fertility: 1, disease_resistance: 2, longevity: 3 };
  const SCALE: Record<TraitCode, number> = { milk_production: 400, fertility: 3, disease_resistance: 5, longevity: 6 };
  for (const code of options.traits ?? TRAIT_CODES) {
    await owner.query(
      `INSERT INTO gbv_predictions (id, customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability,
                                    percentile_breed, percentile_customer)
       SELECT gen_random_uuid(), $1, p.animal_id, $2, $3, p.genotype_id, p.value, p.rel, p.pb, p.pc
         FROM unnest($4::uuid[], $5::uuid[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
              AS p(animal_id, genotype_id, value, rel, pb, pc)`,
      [
        customerId,
        fx.traits[code].id,
        fx.models[code].id,
        animals.map((a) => a.id),
        animals.map((a) => a.genotypeId),
        animals.map(() => MEAN[code] + SCALE[code] * (random() - 0.5)),
        animals.map(() => 0.3 + 0.6 * random()),
        animals.map(() => 100 * random()),
        animals.map(() => 100 * random()),
      ],
    );
  }
  return animals;
}

/**
 * A new model version of `trait` scores one animal: the old prediction stays as history, the new one
 * is current; then the customer's GBV reads are invalidated, as scoring does after COMMIT.
 */
export async function newPrediction(
  owner: pg.Pool,
  cache: Cache,
  fx: GbvFixture,
  animal: Pick<SeededAnimal, "id" | "customerId" | "genotypeId">,
  trait: TraitCode,
  value: number,
  reliability = 0.8,
): Promise<void> {
  const version = fx.models[trait].version + 1;
  const modelId = await insertModel(owner, fx.traits[trait].id, fx.panelId, version, fx.freqs);
  fx.models[trait] = { id: modelId, version };
  await owner.query(`UPDATE gbv_predictions SET is_current = false WHERE animal_id = $1 AND trait_id = $2`, [
    animal.id,
    fx.traits[trait].id,
  ]);
  await owner.query(
    `INSERT INTO gbv_predictions (id, customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7)`,
    [animal.customerId, animal.id, fx.traits[trait].id, modelId, animal.genotypeId, value, reliability],
  );
  await gbv.invalidateGbv(cache, animal.customerId);
}

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

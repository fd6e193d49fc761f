// Phenotype upload for training (gbv.training.uploadPhenotypes; researchers and admins, gbv.train).
//
// The file is checked whole against the caller's own scope before anything is written: the animals
// are looked up by official ID inside the caller's tenant transaction, so row-level security decides
// what exists — a researcher's scope is the consenting customers, and an animal of a farm without
// research consent is reported exactly like one that does not exist. Every phenotyped animal must
// have a current genotype (on any panel): an animal without one cannot train, and the file is
// REFUSED listing them (rather than silently dropping records: the uploader fixes the file or
// genotypes the animals, and a stored set always means "all of it can train"). Per trait the file
// needs at least MIN_RECORDS_PER_TRAIT records and some variation.
//
// Writes: the set is a catalogue row (no customer) and its records are tenant rows of the animals'
// farms. Researchers are read-only for farm data, but phenotypes are research data gbv.train lets
// them add: after the checks the whole write runs in the '*' scope (bulls.asCatalogueWriter), only
// for animals the caller's own scope resolved, with one audit record for the set and one per farm
// whose animals received records (so the farm's audit view shows who added research data).
// The same file again (SHA-256) answers with the stored set (idempotent).
import { createHash } from "node:crypto";
import { AppError } from "@reprotech/core";
import { scopeSetting, type Tx } from "@reprotech/db";
import { readTable, type ImportFile } from "../animals/import";
import { query } from "../animals/sql";
import { asCatalogueWriter } from "../bulls/service";
import { listSome, readPhenotypeRows, type PhenotypeRow } from "./phenotypes-file";

/** Genotyped, phenotyped animals a trait needs in one file to be trained (5-fold CV: 40 per fold). */
export const MIN_RECORDS_PER_TRAIT = 50;
export const PHENOTYPE_MAX_BYTES = 20 * 1024 * 1024;

export interface PhenotypeTraitSummary {
  traitCode: string;
  records: number;
  mean: number;
  sd: number;
}

export interface PhenotypeSetView {
  id: string;
  originalFileName: string;
  sha256: string;
  recordCount: number;
  createdAt: string;
  traits: PhenotypeTraitSummary[];
  /** Farms whose animals have records in the set. */
  customerCount: number;
}

export interface PhenotypeUploadResult {
  created: boolean;
  set: PhenotypeSetView;
}

export interface PhenotypeAudit {
  (entry: { customerId: string | null; targetId: string; detail: string; after?: unknown }): Promise<void>;
}

interface AnimalHit {
  id: string;
  customerId: string;
  officialId: string;
}

/**
 * Runs `fn` with the transaction narrowed to the caller's own customer scope (RLS then filters the
 * reads as in a tenant transaction), restoring the previous scope after. For catalogue procedures
 * (scoped '*'), whose checks must only see what the caller may see.
 */
export async function inCallerScope<T>(
  tx: Tx,
  customerIds: readonly string[] | "all",
  fn: () => Promise<T>,
): Promise<T> {
  const [row] = await query<{ prev: string | null }>(
    tx,
    `SELECT current_setting('app.customer_ids', true) AS prev`,
    [],
  );
  await query(tx, `SELECT set_config('app.customer_ids', $1, true)`, [scopeSetting({ customerIds, userId: null })]);
  try {
    return await fn();
  } finally {
    await query(tx, `SELECT set_config('app.customer_ids', $1, true)`, [row?.prev ?? ""]);
  }
}

const bad = (message: string) => new AppError("BAD_REQUEST", message);

/**
 * Checks `file` in the scope of `tx` (the caller's tenant transaction) and stores it as a phenotype
 * set. Throws one BAD_REQUEST naming every problem; nothing is written then.
 */
export async function uploadPhenotypes(
  tx: Tx,
  input: { file: ImportFile; uploadedBy: string | null; audit: PhenotypeAudit },
): Promise<PhenotypeUploadResult> {
  const table = await readTable(input.file, PHENOTYPE_MAX_BYTES);
  const bytes = await fileBytes(input.file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const rows = readPhenotypeRows(table);

  const traits = await query<{ id: string; code: string }>(tx, `SELECT id::text AS id, code FROM gbv_traits`, []);
  const traitId = new Map(traits.map((t) => [t.code, t.id]));
  const unknownTraits = [...new Set(rows.map((r) => r.traitCode))].filter((c) => !traitId.has(c));

  const ids = [...new Set(rows.map((r) => r.officialId))];
  // RLS: only the animals of the caller's scope come back.
  const hits = await query<AnimalHit>(
    tx,
    `SELECT id::text AS id, customer_id::text AS "customerId", official_id AS "officialId"
       FROM animals WHERE official_id = ANY($1::text[])`,
    [ids],
  );
  const byOfficialId = new Map<string, AnimalHit[]>();
  for (const h of hits) byOfficialId.set(h.officialId, [...(byOfficialId.get(h.officialId) ?? []), h]);
  const unknown = ids.filter((id) => !byOfficialId.has(id));
  const ambiguous = ids.filter((id) => (byOfficialId.get(id)?.length ?? 0) > 1);
  const genotyped = new Set(
    (
      await query<{ id: string }>(
        tx,
        `SELECT DISTINCT animal_id::text AS id FROM genotypes WHERE is_current AND animal_id = ANY($1::uuid[])`,
        [hits.map((h) => h.id)],
      )
    ).map((r) => r.id),
  );
  const ungenotyped = ids.filter((id) => {
    const found = byOfficialId.get(id);
    return found?.length === 1 && !genotyped.has(found[0]!.id);
  });

  const problems: string[] = [];
  if (unknownTraits.length)
    problems.push(
      `Unknown trait codes: ${listSome(unknownTraits)} (known: ${traits
        .map((t) => t.code)
        .sort()
        .join(", ")})`,
    );
  if (unknown.length) problems.push(`${unknown.length} unknown animals (official IDs): ${listSome(unknown)}`);
  if (ambiguous.length)
    problems.push(
      `Official IDs that belong to animals of several farms (upload them per farm): ${listSome(ambiguous)}`,
    );
  if (ungenotyped.length)
    problems.push(
      `${ungenotyped.length} animals have no current genotype and cannot be used for training: ${listSome(ungenotyped)}`,
    );
  if (!problems.length) problems.push(...traitProblems(rows));
  if (problems.length) throw bad(`${problems.join(". ")}. Nothing was stored.`);

  const animalOf = (r: PhenotypeRow) => byOfficialId.get(r.officialId)![0]!;
  return asCatalogueWriter(tx, async () => {
    const [existing] = await query<{ id: string }>(
      tx,
      `SELECT id::text AS id FROM gbv_phenotype_sets WHERE sha256 = $1`,
      [sha256],
    );
    if (existing) return { created: false, set: await getPhenotypeSet(tx, existing.id) };
    const [set] = await query<{ id: string }>(
      tx,
      `INSERT INTO gbv_phenotype_sets (id, original_file_name, sha256, record_count, uploaded_by)
       VALUES (gen_random_uuid(), $1, $2, $3, $4::uuid) RETURNING id::text AS id`,
      [input.file.name.slice(0, 255), sha256, rows.length, input.uploadedBy],
    );
    const setId = set!.id;
    await query(
      tx,
      `INSERT INTO gbv_phenotypes (id, customer_id, set_id, animal_id, trait_id, value, contemporary_group, fixed_effects,
                                   reference_value)
       SELECT gen_random_uuid(), r.customer_id, $1::uuid, r.animal_id, r.trait_id, r.value, r.cg, r.fe, r.ref
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::float8[], $6::text[], $7::jsonb[], $8::float8[])
           AS r(customer_id, animal_id, trait_id, value, cg, fe, ref)`,
      [
        setId,
        rows.map((r) => animalOf(r).customerId),
        rows.map((r) => animalOf(r).id),
        rows.map((r) => traitId.get(r.traitCode)!),
        rows.map((r) => r.value),
        rows.map((r) => r.contemporaryGroup),
        rows.map((r) => (r.fixedEffects ? JSON.stringify(r.fixedEffects) : null)),
        rows.map((r) => r.referenceValue),
      ],
    );
    const view = await getPhenotypeSet(tx, setId);
    await input.audit({
      customerId: null,
      targetId: setId,
      detail: `phenotype set ${view.originalFileName}: ${rows.length} records, traits ${view.traits.map((t) => t.traitCode).join(", ")}`,
      after: view,
    });
    const perFarm = new Map<string, number>();
    for (const r of rows) perFarm.set(animalOf(r).customerId, (perFarm.get(animalOf(r).customerId) ?? 0) + 1);
    for (const [customerId, n] of perFarm)
      await input.audit({
        customerId,
        targetId: setId,
        detail: `research phenotypes added for this farm's animals: ${n} records in set ${view.originalFileName}`,
      });
    return { created: true, set: view };
  });
}

/** Per trait: enough records, and not one value for all of them. */
function traitProblems(rows: PhenotypeRow[]): string[] {
  const byTrait = new Map<string, number[]>();
  for (const r of rows) byTrait.set(r.traitCode, [...(byTrait.get(r.traitCode) ?? []), r.value]);
  const problems: string[] = [];
  for (const [code, values] of [...byTrait].sort(([a], [b]) => a.localeCompare(b))) {
    if (values.length < MIN_RECORDS_PER_TRAIT)
      problems.push(
        `Trait ${code} has ${values.length} records: training needs at least ${MIN_RECORDS_PER_TRAIT} genotyped, phenotyped animals per trait`,
      );
    else if (values.every((v) => v === values[0]))
      problems.push(`Every ${code} value is ${values[0]}: a trait without variation between animals cannot be trained`);
  }
  return problems;
}

async function fileBytes(file: ImportFile): Promise<Uint8Array> {
  if (file.data instanceof Uint8Array) return file.data;
  if (file.data instanceof Blob) return new Uint8Array(await file.data.arrayBuffer());
  throw new Error("uploadPhenotypes needs the file as a Blob or bytes (it is read twice: table and SHA-256)");
}

/** A stored set with per-trait counts (catalogue row; the per-trait figures cover the caller's scope). */
export async function getPhenotypeSet(tx: Tx, setId: string): Promise<PhenotypeSetView> {
  const [set] = await query<Omit<PhenotypeSetView, "traits" | "customerCount">>(
    tx,
    `SELECT id::text AS id, original_file_name AS "originalFileName", sha256, record_count AS "recordCount",
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
       FROM gbv_phenotype_sets WHERE id = $1::uuid`,
    [setId],
  );
  if (!set) throw new AppError("NOT_FOUND", "Phenotype set not found");
  const traits = await query<PhenotypeTraitSummary>(
    tx,
    `SELECT t.code AS "traitCode", count(*)::int AS records, avg(p.value)::float8 AS mean,
            coalesce(stddev_samp(p.value), 0)::float8 AS sd
       FROM gbv_phenotypes p JOIN gbv_traits t ON t.id = p.trait_id
      WHERE p.set_id = $1::uuid GROUP BY t.code ORDER BY t.code`,
    [setId],
  );
  const [farms] = await query<{ n: number }>(
    tx,
    `SELECT count(DISTINCT customer_id)::int AS n FROM gbv_phenotypes WHERE set_id = $1::uuid`,
    [setId],
  );
  return { ...set, traits, customerCount: farms?.n ?? 0 };
}

// Parentage in the genotype ingest, with the genomics library's chip rules (opposing homozygotes,
// conflict rate over at least 400 SNPs called in both; ICAR thresholds). Runs inside the ingest's
// transaction after the upload's genotypes are written, so parents in the same file count. For each
// stored sample: its recorded herd sire and dam (animals.sire_id / dam_id; catalogue bulls have no
// genotypes here) are verified when they have a current genotype on the same panel ("untested"
// otherwise); for a parent that is not verified, discovery ranks the customer's genotyped animals of
// the right sex and plausible age and keeps the best few as suggestions. Outcomes are results on
// the per-sample row, never errors.
import type { Tx } from "@reprotech/db";
import {
  bytesPerSample,
  compareParentCandidates,
  discoverParents,
  MIN_PARENT_AGE_DAYS,
  verifyParent,
  type ParentageCheck,
  type PackedMatrix,
  type ParentCandidate,
  type RankedCandidate,
} from "@reprotech/genomics";
import { query } from "../animals/sql";

/** How many discovery candidates are kept per parent. */
export const PARENT_SUGGESTIONS = 3;

export type ParentVerdict = ParentageCheck["status"] | "untested";

export interface ParentCheckResult {
  animalId: string;
  status: ParentVerdict;
  conflicts: number | null;
  common: number | null;
  rate: number | null;
}

export interface ParentSuggestion {
  animalId: string;
  officialId: string;
  status: ParentageCheck["status"];
  conflicts: number;
  common: number;
  rate: number;
}

export interface SampleParentage {
  sire: ParentCheckResult | null;
  dam: ParentCheckResult | null;
  suggestions: { sire: ParentSuggestion[]; dam: ParentSuggestion[] };
}

interface PoolRow {
  animalId: string;
  officialId: string;
  sex: "male" | "female";
  birthDate: string;
  sireId: string | null;
  damId: string | null;
  packed: Uint8Array;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);
const day = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`);

/**
 * Current genotypes read per query while the farm is searched for parents: the search holds one
 * batch (512 × 15 KB on a 60K chip), not the farm's every genotype, whatever the farm's size.
 */
export const PARENT_SEARCH_BATCH = 512;

const POOL_COLUMNS = `g.animal_id::text AS "animalId", a.official_id AS "officialId", a.sex::text AS sex,
  a.birth_date::text AS "birthDate", a.sire_id::text AS "sireId", a.dam_id::text AS "damId", g.packed`;
const POOL_FROM = `FROM genotypes g JOIN animals a ON a.id = g.animal_id
  WHERE g.customer_id = $1::uuid AND g.panel_id = $2::uuid AND g.is_current`;

/** Rows as one packed matrix (their genotypes in order), with each animal's row. */
function matrixOf(rows: readonly PoolRow[], nSnps: number): { matrix: PackedMatrix; rowOf: Map<string, number> } {
  const stride = bytesPerSample(nSnps);
  const data = new Uint8Array(rows.length * stride);
  const rowOf = new Map<string, number>();
  rows.forEach((r, i) => {
    data.set(new Uint8Array(r.packed).subarray(0, stride), i * stride);
    rowOf.set(r.animalId, i);
  });
  return { matrix: { nSamples: rows.length, nSnps, data }, rowOf };
}

/** A parent still to be found for a stored animal, with the best candidates so far. */
interface Search {
  animalId: string;
  row: number;
  born: Date;
  parent: "sire" | "dam";
  best: (RankedCandidate & { pool: PoolRow })[];
}

/** Parentage of the given (just stored) animals on the panel, keyed by animal id. */
export async function checkParentage(
  tx: Tx,
  input: { customerId: string; panelId: string; nSnps: number; animalIds: readonly string[] },
  options: { batchRows?: number } = {},
): Promise<Map<string, SampleParentage>> {
  const out = new Map<string, SampleParentage>();
  if (input.animalIds.length === 0) return out;
  const scope = [input.customerId, input.panelId];
  // The stored animals and those of their recorded parents that have a current genotype.
  const stored = await query<PoolRow>(tx, `SELECT ${POOL_COLUMNS} ${POOL_FROM} AND g.animal_id = ANY($3::uuid[])`, [
    ...scope,
    input.animalIds,
  ]);
  const parentIds = [...new Set(stored.flatMap((r) => [r.sireId, r.damId].filter((id) => id !== null)))];
  const parents = await query<PoolRow>(
    tx,
    `SELECT ${POOL_COLUMNS} ${POOL_FROM} AND g.animal_id = ANY($3::uuid[]) AND NOT g.animal_id = ANY($4::uuid[])`,
    [...scope, parentIds, input.animalIds],
  );
  const known = [...stored, ...parents];
  const { matrix, rowOf } = matrixOf(known, input.nSnps);

  const searches: Search[] = [];
  for (const animalId of input.animalIds) {
    const row = rowOf.get(animalId);
    const self = row === undefined ? undefined : known[row];
    if (row === undefined || !self) continue;
    const result: SampleParentage = { sire: null, dam: null, suggestions: { sire: [], dam: [] } };
    for (const parent of ["sire", "dam"] as const) {
      const recorded = parent === "sire" ? self.sireId : self.damId;
      let verdict: ParentCheckResult | null = null;
      if (recorded) {
        const parentRow = rowOf.get(recorded);
        if (parentRow === undefined)
          verdict = { animalId: recorded, status: "untested", conflicts: null, common: null, rate: null };
        else {
          const check = verifyParent(matrix, row, parentRow, { mode: "chip" });
          verdict = { animalId: recorded, ...check, rate: finite(check.rate) };
        }
      }
      result[parent] = verdict;
      if (verdict?.status !== "verified") searches.push({ animalId, row, born: day(self.birthDate), parent, best: [] });
    }
    out.set(animalId, result);
  }

  // Discovery over the farm's current genotypes that could be a searched parent (the sex wanted, born
  // early enough for the latest-born animal searched: discoverParents applies the same rules per
  // animal), a batch at a time in animal id order; each search keeps its best few over all batches
  // (compareParentCandidates: the library's own ranking).
  const batchRows = options.batchRows ?? PARENT_SEARCH_BATCH;
  const sexes = [...new Set(searches.map((s) => (s.parent === "sire" ? "male" : "female")))];
  const latestBorn = new Date(searches.reduce((t, s) => Math.max(t, s.born.getTime()), 0)).toISOString().slice(0, 10);
  for (let after: string | null = null; searches.length > 0;) {
    const batch: PoolRow[] = await query<PoolRow>(
      tx,
      `SELECT ${POOL_COLUMNS} ${POOL_FROM} AND a.sex::text = ANY($5::text[]) AND a.birth_date <= $6::date - $7::int
         AND ($3::uuid IS NULL OR g.animal_id > $3::uuid)
       ORDER BY g.animal_id LIMIT $4`,
      [...scope, after, batchRows, sexes, latestBorn, MIN_PARENT_AGE_DAYS],
    );
    if (batch.length === 0) break;
    const pool = matrixOf(batch, input.nSnps).matrix;
    const candidates: ParentCandidate[] = batch.map((r, i) => ({ row: i, sex: r.sex, birthDate: day(r.birthDate) }));
    for (const search of searches) {
      const found = discoverParents(matrix, search.row, search.born, pool, candidates, {
        mode: "chip",
        parent: search.parent,
        report: PARENT_SUGGESTIONS,
      });
      const fromBatch = found.ranked
        .map((c) => ({ ...c, pool: batch[c.row]! }))
        .filter((c) => c.pool.animalId !== search.animalId);
      search.best = [...search.best, ...fromBatch].sort(compareParentCandidates).slice(0, PARENT_SUGGESTIONS);
    }
    if (batch.length < batchRows) break;
    after = batch.at(-1)!.animalId;
  }
  for (const search of searches)
    out.get(search.animalId)!.suggestions[search.parent] = search.best.map((c) => ({
      animalId: c.pool.animalId,
      officialId: c.pool.officialId,
      status: c.status,
      conflicts: c.conflicts,
      common: c.common,
      rate: finite(c.rate) ?? 0,
    }));
  return out;
}

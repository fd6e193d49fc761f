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
  discoverParents,
  verifyParent,
  type ParentageCheck,
  type PackedMatrix,
  type ParentCandidate,
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

/** Parentage of the given (just stored) animals on the panel, keyed by animal id. */
export async function checkParentage(
  tx: Tx,
  input: { customerId: string; panelId: string; nSnps: number; animalIds: readonly string[] },
): Promise<Map<string, SampleParentage>> {
  const out = new Map<string, SampleParentage>();
  if (input.animalIds.length === 0) return out;
  const rows = await query<PoolRow>(
    tx,
    `SELECT g.animal_id::text AS "animalId", a.official_id AS "officialId", a.sex::text AS sex,
            a.birth_date::text AS "birthDate", a.sire_id::text AS "sireId", a.dam_id::text AS "damId", g.packed
     FROM genotypes g JOIN animals a ON a.id = g.animal_id
     WHERE g.customer_id = $1::uuid AND g.panel_id = $2::uuid AND g.is_current
     ORDER BY g.animal_id`,
    [input.customerId, input.panelId],
  );
  const stride = bytesPerSample(input.nSnps);
  const data = new Uint8Array(rows.length * stride);
  const rowOf = new Map<string, number>();
  rows.forEach((r, i) => {
    data.set(new Uint8Array(r.packed).subarray(0, stride), i * stride);
    rowOf.set(r.animalId, i);
  });
  const pool: PackedMatrix = { nSamples: rows.length, nSnps: input.nSnps, data };
  const candidates: ParentCandidate[] = rows.map((r, i) => ({ row: i, sex: r.sex, birthDate: day(r.birthDate) }));

  for (const animalId of input.animalIds) {
    const row = rowOf.get(animalId);
    const self = row === undefined ? undefined : rows[row];
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
          const check = verifyParent(pool, row, parentRow, { mode: "chip" });
          verdict = { animalId: recorded, ...check, rate: finite(check.rate) };
        }
      }
      result[parent] = verdict;
      if (verdict?.status === "verified") continue;
      const found = discoverParents(pool, row, day(self.birthDate), pool, candidates, {
        mode: "chip",
        parent,
        report: PARENT_SUGGESTIONS,
      });
      result.suggestions[parent] = found.ranked
        .filter((c) => c.row !== row)
        .slice(0, PARENT_SUGGESTIONS)
        .map((c) => {
          const r = rows[c.row]!;
          return {
            animalId: r.animalId,
            officialId: r.officialId,
            status: c.status,
            conflicts: c.conflicts,
            common: c.common,
            rate: finite(c.rate) ?? 0,
          };
        });
    }
    out.set(animalId, result);
  }
  return out;
}

// Reading a phenotype file (CSV or XLSX, through the animal import's readTable) into records:
// animal official ID, trait code, numeric value, optional contemporary group and any further columns
// as other fixed effects (column name → level). Only what the file itself can tell is checked here
// (columns, empty cells, non-numeric values, duplicate animal + trait rows); what needs the database
// (animals, traits, genotypes) is checked by phenotypes.ts. An optional reference-value column (a
// simulated true breeding value, a deregressed proof) is stored with the record for validation only.
import { AppError } from "@reprotech/core";
import type { Table } from "../animals/import";

export interface PhenotypeRow {
  /** The row number the user sees (header = 1). */
  row: number;
  officialId: string;
  traitCode: string;
  value: number;
  /** What predictions are validated against (simulated TBV, deregressed proof), when the file has it. */
  referenceValue: number | null;
  contemporaryGroup: string | null;
  /** Other fixed effects, column name → level; null when the file has no such columns. */
  fixedEffects: Record<string, string> | null;
}

/** How many animals, rows or codes an error message lists before "and N more". */
export const LIST_LIMIT = 10;

const ANIMAL = ["animal_id", "official_id", "animal"];
const TRAIT = ["trait", "trait_code"];
const VALUE = ["value", "phenotype"];
const GROUP = ["contemporary_group", "cg", "group"];
const REFERENCE = ["reference_value", "true_value", "tbv"];
/** Header names compared in lower snake case: "Animal ID" = "animal-id" = "animal_id". */
const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** "a, b, c and 4 more" — the first LIST_LIMIT items of a list. */
export function listSome(items: readonly (string | number)[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(", ");
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

function column(headers: string[], names: string[], what: string, required: boolean): number {
  const found = headers.map((h, i) => [norm(h), i] as const).filter(([h]) => names.includes(h));
  if (found.length > 1)
    throw new AppError("BAD_REQUEST", `The file has ${found.length} ${what} columns (${names.join(" / ")}): keep one`);
  if (found.length === 0 && required)
    throw new AppError("BAD_REQUEST", `The file has no ${what} column: name one of the columns ${names.join(" or ")}`);
  return found[0]?.[1] ?? -1;
}

/** The table's records, or one BAD_REQUEST naming every problem found (with row numbers). */
export function readPhenotypeRows(table: Table): PhenotypeRow[] {
  const { headers } = table;
  const animal = column(headers, ANIMAL, "animal ID", true);
  const trait = column(headers, TRAIT, "trait", true);
  const value = column(headers, VALUE, "value", true);
  const group = column(headers, GROUP, "contemporary group", false);
  const reference = column(headers, REFERENCE, "reference value", false);
  const taken = new Set([animal, trait, value, group, reference]);
  const others = headers.map((h, i) => [h.trim(), i] as const).filter(([h, i]) => !taken.has(i) && h !== "");
  const seen = new Set<string>();
  for (const [h] of others)
    if (seen.has(norm(h))) throw new AppError("BAD_REQUEST", `The fixed-effect column ${h} appears twice`);
    else seen.add(norm(h));

  const missing: string[] = [];
  const nonNumeric: number[] = [];
  const badReference: number[] = [];
  const emptyLevels: string[] = [];
  const duplicates: string[] = [];
  const firstRowOf = new Map<string, number>();
  const rows: PhenotypeRow[] = [];
  for (const { row, cells } of table.rows) {
    const cell = (i: number) => (i >= 0 ? (cells[i] ?? "").trim() : "");
    const officialId = cell(animal).toUpperCase();
    const traitCode = cell(trait).toLowerCase();
    const raw = cell(value);
    if (!officialId || !traitCode || !raw) {
      missing.push(
        `row ${row} (${[!officialId && "animal ID", !traitCode && "trait", !raw && "value"].filter(Boolean).join(", ")})`,
      );
      continue;
    }
    const v = NUMBER.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(v)) nonNumeric.push(row);
    const rawReference = cell(reference);
    const referenceValue = rawReference && NUMBER.test(rawReference) ? Number(rawReference) : null;
    if (rawReference && !Number.isFinite(referenceValue)) badReference.push(row);
    const key = `${officialId}\u0000${traitCode}`;
    const first = firstRowOf.get(key);
    if (first !== undefined) duplicates.push(`${officialId} ${traitCode} (rows ${first} and ${row})`);
    else firstRowOf.set(key, row);
    let fixedEffects: Record<string, string> | null = null;
    if (others.length) {
      fixedEffects = {};
      for (const [name, i] of others) {
        const level = cell(i);
        if (!level) emptyLevels.push(`row ${row} ${name}`);
        fixedEffects[name] = level;
      }
    }
    rows.push({
      row,
      officialId,
      traitCode,
      value: v,
      referenceValue,
      contemporaryGroup: cell(group) || null,
      fixedEffects,
    });
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`Rows without an animal ID, trait or value: ${listSome(missing)}`);
  if (nonNumeric.length) problems.push(`Values that are not numbers on rows ${listSome(nonNumeric)}`);
  if (badReference.length) problems.push(`Reference values that are not numbers on rows ${listSome(badReference)}`);
  if (duplicates.length)
    problems.push(
      `Animals with more than one row for a trait (one value per animal and trait): ${listSome(duplicates)}`,
    );
  if (emptyLevels.length)
    problems.push(`Empty fixed-effect cells (every row needs a level in each extra column): ${listSome(emptyLevels)}`);
  if (problems.length) throw new AppError("BAD_REQUEST", `${problems.join(". ")}. Nothing was stored.`);
  return rows;
}

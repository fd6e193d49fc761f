// Reading a published marker-effects file (CSV or XLSX): one row per SNP with its name, effect and
// effect allele, optionally the effect allele's frequency. Columns are found by their header (common
// synonyms, case and punctuation ignored). A CSV may carry the intercept in a leading comment line
// ("# intercept: 12.5"). Anything unreadable — an empty file, a missing column, a non-numeric effect
// or frequency, a SNP listed twice — refuses the whole file with the rows named; nothing is guessed.
import { AppError } from "@reprotech/core";
import { readTable } from "../animals/import/read";

export interface EffectRow {
  /** Line (CSV) or sheet row (XLSX) as the user sees it. */
  row: number;
  snp: string;
  effect: number;
  allele: string;
  /** Frequency of the effect allele, when the file has a frequency column. */
  frequency?: number;
}

export interface EffectsFile {
  format: "csv" | "xlsx";
  rows: EffectRow[];
  hasFrequencies: boolean;
  /** From a leading "# intercept: x" comment line of a CSV. */
  intercept?: number;
}

export const MAX_EFFECTS_FILE_BYTES = 100 * 1024 * 1024;

const norm = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, "");
const SNP = ["snp", "snpname", "snpid", "name", "marker", "markername", "markerid", "id", "rsid", "variant"];
const EFFECT = ["effect", "snpeffect", "beta", "weight", "b", "solution", "estimate", "substitutioneffect"];
const ALLELE = ["effectallele", "allele", "a1", "ea", "countedallele", "alleleeffect", "testedallele"];
const FREQ = ["frequency", "freq", "effectallelefrequency", "eaf", "af", "a1freq", "allelefrequency", "p"];

function column(headers: string[], names: string[]): number {
  const n = headers.map(norm);
  for (const name of names) {
    const i = n.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

const FIRST = 10;
const listed = (items: string[]) =>
  items.slice(0, FIRST).join("; ") + (items.length > FIRST ? ` (and ${items.length - FIRST} more)` : "");

/** Strips leading "#" comment lines of a CSV and reads the intercept from one of them. */
function commentHeader(bytes: Uint8Array): { body: Uint8Array; intercept?: number } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { body: bytes }; // readTable explains what is wrong with it
  }
  let intercept: number | undefined;
  let offset = 0;
  for (;;) {
    const end = text.indexOf("\n", offset);
    const line = text
      .slice(offset, end < 0 ? text.length : end)
      .replace(/^\uFEFF/, "")
      .trim();
    if (!line.startsWith("#")) break;
    const m = /^#\s*intercept\s*[:=,]?\s*(\S+)/i.exec(line);
    if (m) {
      const v = Number(m[1]);
      if (!Number.isFinite(v))
        throw new AppError(
          "BAD_REQUEST",
          `The intercept in the file's header is not a number: ${JSON.stringify(m[1])}`,
        );
      intercept = v;
    }
    if (end < 0) return { body: new Uint8Array(0), ...(intercept === undefined ? {} : { intercept }) };
    offset = end + 1;
  }
  const body = new TextEncoder().encode(text.slice(offset));
  return { body, ...(intercept === undefined ? {} : { intercept }) };
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export async function readEffectsFile(file: { name: string; bytes: Uint8Array }): Promise<EffectsFile> {
  if (file.bytes.byteLength === 0) throw new AppError("BAD_REQUEST", "The effects file is empty");
  const zip = isZip(file.bytes);
  const { body, intercept } = zip ? { body: file.bytes, intercept: undefined } : commentHeader(file.bytes);
  if (body.byteLength === 0) throw new AppError("BAD_REQUEST", "The effects file has no header row and no SNPs");
  // The content decides the reader, not the name: a zip is a workbook, anything else is read as CSV.
  const table = await readTable({ name: zip ? "effects.xlsx" : "effects.csv", data: body }, MAX_EFFECTS_FILE_BYTES);
  const iSnp = column(table.headers, SNP);
  const iEffect = column(table.headers, EFFECT);
  const iAllele = column(table.headers, ALLELE);
  const iFreq = column(table.headers, FREQ);
  const missing = [iSnp < 0 && "SNP name", iEffect < 0 && "effect", iAllele < 0 && "effect allele"].filter(Boolean);
  if (missing.length)
    throw new AppError(
      "BAD_REQUEST",
      `The effects file has no ${missing.join(", ")} column (headers found: ${table.headers.join(", ") || "none"}); expected e.g. SNP, Effect, Effect_allele`,
    );
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  const rows: EffectRow[] = [];
  for (const r of table.rows) {
    const snp = (r.cells[iSnp] ?? "").trim();
    const effectText = (r.cells[iEffect] ?? "").trim();
    const allele = (r.cells[iAllele] ?? "").trim().toUpperCase();
    if (!snp) {
      problems.push(`row ${r.row}: no SNP name`);
      continue;
    }
    const effect = effectText === "" ? Number.NaN : Number(effectText);
    if (!Number.isFinite(effect))
      problems.push(`row ${r.row} (${snp}): effect ${JSON.stringify(effectText)} is not a number`);
    if (!allele) problems.push(`row ${r.row} (${snp}): no effect allele`);
    let frequency: number | undefined;
    if (iFreq >= 0) {
      const t = (r.cells[iFreq] ?? "").trim();
      frequency = t === "" ? Number.NaN : Number(t);
      if (!(frequency >= 0 && frequency <= 1))
        problems.push(`row ${r.row} (${snp}): frequency ${JSON.stringify(t)} is not a number between 0 and 1`);
    }
    const earlier = seen.get(snp);
    if (earlier !== undefined) duplicates.push(`${snp} (rows ${earlier} and ${r.row})`);
    else seen.set(snp, r.row);
    rows.push({ row: r.row, snp, effect, allele, ...(frequency === undefined ? {} : { frequency }) });
  }
  if (duplicates.length)
    throw new AppError("BAD_REQUEST", `${duplicates.length} SNP(s) appear more than once: ${listed(duplicates)}`);
  if (problems.length)
    throw new AppError("BAD_REQUEST", `${problems.length} row(s) cannot be read: ${listed(problems)}`);
  return { format: table.format, rows, hasFrequencies: iFreq >= 0, ...(intercept === undefined ? {} : { intercept }) };
}

// Browser-safe: the import's target fields, header synonyms, the automatic column mapping and the
// "did you mean" suggestion. The SPA's wizard shows the same guess the server would make.
import { z } from "zod";

export const IMPORT_FIELDS = [
  "officialId",
  "herdTag",
  "name",
  "breed",
  "sex",
  "birthDate",
  "status",
  "statusDate",
  "sire",
  "dam",
  "recipientDam",
  "notes",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Without these a row cannot become an animal. */
export const REQUIRED_FIELDS: readonly ImportField[] = ["officialId", "breed", "sex", "birthDate"];

/** The header each field is exported under (and the first synonym the importer recognises). */
export const FIELD_LABELS: Record<ImportField, string> = {
  officialId: "Official ID",
  herdTag: "Herd tag",
  name: "Name",
  breed: "Breed",
  sex: "Sex",
  birthDate: "Birth date",
  status: "Status",
  statusDate: "Status date",
  sire: "Sire",
  dam: "Dam",
  recipientDam: "Recipient dam",
  notes: "Notes",
};

/** Header synonyms, compared after `headerKey` (case, spaces, punctuation ignored). */
const SYNONYMS: Record<ImportField, readonly string[]> = {
  officialId: [
    "official id",
    "officialid",
    "animal id",
    "id",
    "official number",
    "registration",
    "registration number",
    "reg no",
    "reg number",
    "interbull id",
    "ear tag id",
    "eid",
    "national id",
    "uid",
  ],
  herdTag: ["herd tag", "ear tag", "tag", "visual tag", "barn number", "cow number", "herd number", "cow no", "number"],
  name: ["name", "animal name", "cow name", "barn name"],
  breed: ["breed", "breed code"],
  sex: ["sex", "gender"],
  birthDate: ["birth date", "date of birth", "dob", "birthdate", "born", "birthday", "bdate"],
  status: ["status", "herd status", "state"],
  statusDate: ["status date", "left date", "exit date", "date left", "disposal date", "removal date"],
  sire: ["sire", "sire id", "sire naab", "sire naab code", "father", "sire official id", "service sire", "bull"],
  dam: ["dam", "dam id", "dam official id", "mother"],
  recipientDam: ["recipient dam", "recipient", "recipient id", "surrogate", "carrier", "recip", "et recipient"],
  notes: ["notes", "note", "comments", "comment", "remarks"],
};

/** Header comparison key: lower case, letters and digits only ("Date of Birth" → "dateofbirth"). */
export function headerKey(header: string): string {
  return header
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

const BY_KEY = new Map<string, ImportField>();
for (const field of IMPORT_FIELDS) {
  BY_KEY.set(headerKey(field), field);
  BY_KEY.set(headerKey(FIELD_LABELS[field]), field);
  for (const s of SYNONYMS[field]) BY_KEY.set(headerKey(s), field);
}

/** The caller's mapping: file header → field, or null to ignore that column. */
export const columnMappingSchema = z.record(z.string(), z.enum(IMPORT_FIELDS).nullable());
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** The automatic guess: each header whose key is a known synonym, first header wins per field. */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<ImportField>();
  for (const header of headers) {
    const field = BY_KEY.get(headerKey(header));
    if (field && !taken.has(field)) {
      mapping[header] = field;
      taken.add(field);
    } else mapping[header] = null;
  }
  return mapping;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The known header closest to an unrecognised one, if it is close enough to be a misspelling. */
export function suggestField(header: string): { field: ImportField; label: string } | null {
  const key = headerKey(header);
  if (key.length === 0) return null;
  let best: { field: ImportField; label: string; d: number } | null = null;
  for (const field of IMPORT_FIELDS) {
    for (const candidate of [FIELD_LABELS[field], ...SYNONYMS[field]]) {
      const d = distance(key, headerKey(candidate));
      if (!best || d < best.d) best = { field, label: FIELD_LABELS[field], d };
    }
  }
  // A third of the length, at least 1 and at most 3 edits: "Brith date" yes, "Colour" no.
  const allowed = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  return best && best.d <= allowed ? { field: best.field, label: best.label } : null;
}

export const importIssueSchema = z.object({
  /** Row number as the user sees it in the file (the header is row 1); null for file-level problems. */
  row: z.number().int().nullable(),
  /** The file's column header; null when the problem is not one cell's. */
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});

export const importReportSchema = z.object({
  format: z.enum(["csv", "xlsx"]),
  headers: z.array(z.string()),
  mapping: columnMappingSchema,
  errors: z.array(importIssueSchema),
  warnings: z.array(importIssueSchema),
  counts: z.object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
  }),
  /** True only for a commit that wrote; a commit with errors writes nothing. */
  committed: z.boolean(),
});

/** Export columns in import order, so an export re-imports with the automatic mapping. */
export const EXPORT_HEADERS: readonly string[] = IMPORT_FIELDS.map((f) => FIELD_LABELS[f]);

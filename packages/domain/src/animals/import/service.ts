// Bulk import of animals from CSV/XLSX into one customer's herd, inside the caller's tenant
// transaction. A dry run validates every row and reports every problem (row, column, value, reason);
// a commit does the same and writes only when there is none — all or nothing. The official ID is
// the key: re-importing a file updates, never duplicates. Parents resolve by official ID (the same
// file, in any order, or the herd) or NAAB code / registration number (the bull catalogue).
import { randomUUID } from "node:crypto";
import type { Tx } from "@reprotech/db";
import type { z } from "zod";
import {
  FIELD_LABELS,
  guessMapping,
  REQUIRED_FIELDS,
  suggestField,
  type ColumnMapping,
  type ImportField,
  type importIssueSchema,
  type importReportSchema,
} from "./fields";
import { officialIdSexError } from "../official-id";
import { lockQuota } from "../quota";
import { DEFAULT_IMPORT_MAX_BYTES, readTable, type ImportFile, type Table } from "./read";
import {
  parseBreed,
  parseDate,
  parseNaab,
  parseOfficialId,
  parseSex,
  parseStatus,
  parseText,
  type Parsed,
  type Status,
} from "./rules";

export type ImportIssue = z.infer<typeof importIssueSchema>;
export type ImportReport = z.infer<typeof importReportSchema>;
export type ImportCounts = ImportReport["counts"];

export interface ImportOptions {
  /** File header → field (null ignores the column). Headers it does not name are guessed. */
  mapping?: ColumnMapping;
  maxBytes?: number;
  /** The clock for the "future date" rule; tests pin it. */
  now?: Date;
}

type ParentRef = { kind: "animal"; officialId: string } | { kind: "bull"; code: string } | null;

interface Candidate {
  row: number;
  officialId: string;
  /** Fields the file supplies (mapped columns); absent ones keep their stored value on update. */
  has: Set<ImportField>;
  herdTag: string | null;
  name: string | null;
  breed: string;
  sex: "female" | "male";
  birthDate: string;
  status: Status;
  statusDate: string | null;
  sire: ParentRef;
  dam: ParentRef;
  recipientDam: ParentRef;
  notes: string | null;
  raw: Partial<Record<ImportField, string>>;
}

interface Stored {
  id: string;
  official_id: string;
  herd_tag: string | null;
  name: string | null;
  breed: string;
  sex: "female" | "male";
  birth_date: string;
  status: Status;
  status_date: string | null;
  sire_id: string | null;
  sire_bull_id: string | null;
  dam_id: string | null;
  recipient_dam_id: string | null;
  notes: string | null;
}

interface Plan {
  report: ImportReport;
  creates: Row[];
  updates: Row[];
}

type Row = Omit<Stored, "official_id"> & { official_id: string };

export async function dryRunImport(
  tx: Tx,
  customerId: string,
  file: ImportFile,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const table = await readTable(file, options.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES);
  return (await plan(tx, customerId, table, options)).report;
}

/** Validates like the dry run; writes only when there is no error (quota checked under its lock). */
export async function commitImport(
  tx: Tx,
  customerId: string,
  file: ImportFile,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const table = await readTable(file, options.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES);
  // The lock first: concurrent imports and creates for this customer queue here, so the active
  // count the plan sees is the one it writes against.
  const quota = await lockQuota(tx, customerId);
  const p = await plan(tx, customerId, table, options, quota);
  if (p.report.errors.length > 0) return p.report;
  await write(tx, customerId, p);
  return { ...p.report, committed: true };
}

/** Which file column feeds each field; problems with the mapping itself are file-level errors. */
function resolveMapping(
  table: Table,
  given: ColumnMapping | undefined,
  errors: ImportIssue[],
  warnings: ImportIssue[],
) {
  const guess = guessMapping(table.headers);
  const mapping: ColumnMapping = {};
  for (const h of table.headers) mapping[h] = given && h in given ? (given[h] ?? null) : (guess[h] ?? null);
  for (const h of Object.keys(given ?? {}))
    if (!table.headers.includes(h))
      errors.push({ row: null, column: h, value: null, reason: `the mapping names a column the file does not have` });
  const seen = new Map<string, number>();
  table.headers.forEach((h, i) => {
    if (h === "") return;
    if (seen.has(h))
      errors.push({
        row: 1,
        column: h,
        value: h,
        reason: `the header appears twice (columns ${seen.get(h)! + 1} and ${i + 1})`,
      });
    else seen.set(h, i);
  });
  const columnOf = new Map<ImportField, number>();
  for (const [i, h] of table.headers.entries()) {
    const field = mapping[h];
    if (!field) continue;
    if (columnOf.has(field)) {
      errors.push({
        row: 1,
        column: h,
        value: h,
        reason: `both "${table.headers[columnOf.get(field)!]}" and "${h}" are mapped to ${FIELD_LABELS[field]}`,
      });
    } else columnOf.set(field, i);
  }
  const unmapped = table.headers.filter((h) => h !== "" && !mapping[h]);
  for (const field of REQUIRED_FIELDS) {
    if (columnOf.has(field)) continue;
    const near = unmapped.find((h) => suggestField(h)?.field === field);
    errors.push({
      row: 1,
      column: null,
      value: null,
      reason:
        `required column "${FIELD_LABELS[field]}" is missing` +
        (near ? `; did you mean "${near}"? Map it to ${FIELD_LABELS[field]}` : ""),
    });
  }
  // Unknown columns are not an error (legacy exports carry lactation numbers, pens, …): they are
  // ignored with a warning, which names the known header a misspelt one is closest to.
  for (const h of unmapped) {
    const near = suggestField(h);
    const nearFree = near && !columnOf.has(near.field);
    warnings.push({
      row: 1,
      column: h,
      value: h,
      reason: nearFree ? `unknown column, ignored; did you mean "${near.label}"?` : "unknown column, ignored",
    });
  }
  return { mapping, columnOf };
}

function parentRef(raw: string, kind: "sire" | "dam"): Parsed<ParentRef> {
  if (raw.trim() === "") return { ok: true, value: null };
  const id = parseOfficialId(raw);
  if (id.ok) return { ok: true, value: { kind: "animal", officialId: id.value } };
  if (kind === "sire") {
    const naab = parseNaab(raw);
    if (naab.ok) return { ok: true, value: { kind: "bull", code: naab.value } };
    return { ok: false, reason: "not an official ID or a NAAB code (e.g. HO840003000000001 or 7HO12345)" };
  }
  return { ok: false, reason: id.reason };
}

async function plan(
  tx: Tx,
  customerId: string,
  table: Table,
  options: ImportOptions,
  quota?: { maxAnimals: number; active: number },
): Promise<Plan> {
  const today = options.now ?? new Date();
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const { mapping, columnOf } = resolveMapping(table, options.mapping, errors, warnings);
  const header = (f: ImportField) => table.headers[columnOf.get(f)!] ?? FIELD_LABELS[f];
  const base: Omit<ImportReport, "counts" | "committed"> = {
    format: table.format,
    headers: table.headers,
    mapping,
    errors,
    warnings,
  };
  const empty: ImportCounts = { rows: table.rows.length, created: 0, updated: 0, unchanged: 0 };
  if (errors.length > 0) return { report: { ...base, counts: empty, committed: false }, creates: [], updates: [] };

  // 1. Each row on its own.
  const candidates: Candidate[] = [];
  for (const { row, cells } of table.rows) {
    const raw: Partial<Record<ImportField, string>> = {};
    for (const [field, i] of columnOf) raw[field] = cells[i] ?? "";
    let bad = false;
    const take = <T>(field: ImportField, parsed: Parsed<T>): T | undefined => {
      if (parsed.ok) return parsed.value;
      errors.push({ row, column: header(field), value: raw[field] ?? "", reason: parsed.reason });
      bad = true;
      return undefined;
    };
    const need = (field: ImportField): string | undefined => {
      const v = raw[field] ?? "";
      if (v.trim() !== "") return v;
      errors.push({ row, column: header(field), value: v, reason: "required, but empty" });
      bad = true;
      return undefined;
    };
    const idRaw = need("officialId");
    const officialId = idRaw === undefined ? undefined : take("officialId", parseOfficialId(idRaw));
    const breedRaw = need("breed");
    const breed = breedRaw === undefined ? undefined : take("breed", parseBreed(breedRaw));
    const sexRaw = need("sex");
    const sex = sexRaw === undefined ? undefined : take("sex", parseSex(sexRaw));
    const birthRaw = need("birthDate");
    const birthDate = birthRaw === undefined ? undefined : take("birthDate", parseDate(birthRaw, today));
    const status = take("status", parseStatus(raw.status ?? ""));
    const statusDateRaw = raw.statusDate ?? "";
    const statusDate = statusDateRaw.trim() === "" ? null : take("statusDate", parseDate(statusDateRaw, today));
    const flag = (field: ImportField, reason: string) => {
      errors.push({ row, column: header(field), value: raw[field] ?? "", reason });
      bad = true;
    };
    if (status && status !== "active" && statusDate === null && columnOf.has("status"))
      flag(columnOf.has("statusDate") ? "statusDate" : "status", `a ${status} animal needs a status date`);
    if (status === "active" && statusDate) flag("statusDate", "an active animal has no status date");
    if (birthDate && statusDate && statusDate < birthDate) flag("statusDate", "is before the birth date");
    const herdTag = take("herdTag", parseText(raw.herdTag ?? "", 20));
    const name = take("name", parseText(raw.name ?? "", 100));
    const notes = take("notes", parseText(raw.notes ?? "", 2000));
    const sire = take("sire", parentRef(raw.sire ?? "", "sire"));
    const dam = take("dam", parentRef(raw.dam ?? "", "dam"));
    const recipientDam = take("recipientDam", parentRef(raw.recipientDam ?? "", "dam"));
    if (officialId && sex) {
      const mismatch = officialIdSexError(officialId, sex);
      if (mismatch) flag("sex", mismatch);
    }
    if (bad || !officialId || !breed || !sex || !birthDate || !status) continue;
    candidates.push({
      row,
      officialId,
      has: new Set(columnOf.keys()),
      herdTag: herdTag ?? null,
      name: name ?? null,
      breed,
      sex,
      birthDate,
      status,
      statusDate: statusDate ?? null,
      sire: sire ?? null,
      dam: dam ?? null,
      recipientDam: recipientDam ?? null,
      notes: notes ?? null,
      raw,
    });
  }

  // 2. Duplicates within the file: the first occurrence stands, later ones are errors.
  const byId = new Map<string, Candidate>();
  const unique: Candidate[] = [];
  for (const c of candidates) {
    const first = byId.get(c.officialId);
    if (first) {
      errors.push({
        row: c.row,
        column: header("officialId"),
        value: c.raw.officialId ?? "",
        reason: `duplicate official ID: also on row ${first.row}`,
      });
    } else {
      byId.set(c.officialId, c);
      unique.push(c);
    }
  }
  // Rows whose own cells failed still count as "in the file" for duplicate and parent purposes.
  const fileIds = new Set<string>(unique.map((c) => c.officialId));
  for (const { cells } of table.rows) {
    const id = parseOfficialId(cells[columnOf.get("officialId")!] ?? "");
    if (id.ok) fileIds.add(id.value);
  }

  // 3. What the herd and the catalogue already hold.
  const refIds = new Set<string>(fileIds);
  const bullCodes = new Set<string>();
  for (const c of unique)
    for (const p of [c.sire, c.dam, c.recipientDam]) {
      if (p?.kind === "animal") refIds.add(p.officialId);
      if (p?.kind === "bull") bullCodes.add(p.code);
      if (p === c.sire && p?.kind === "animal") bullCodes.add(p.officialId);
    }
  const stored = await tx.$queryRaw<Stored[]>`
    SELECT id, official_id, herd_tag, name, breed, sex::text AS sex, to_char(birth_date, 'YYYY-MM-DD') AS birth_date,
           status::text AS status, to_char(status_date, 'YYYY-MM-DD') AS status_date,
           sire_id, sire_bull_id, dam_id, recipient_dam_id, notes
      FROM animals WHERE customer_id = ${customerId}::uuid AND official_id = ANY(${[...refIds]}::text[])`;
  const storedById = new Map(stored.map((s) => [s.official_id, s]));
  const bulls = bullCodes.size
    ? await tx.$queryRaw<
        { id: string; naab_code: string; sexed_naab_code: string | null; registration_number: string }[]
      >`
        SELECT id, naab_code, sexed_naab_code, registration_number FROM bulls
         WHERE naab_code = ANY(${[...bullCodes]}::text[]) OR sexed_naab_code = ANY(${[...bullCodes]}::text[])
            OR registration_number = ANY(${[...bullCodes]}::text[])`
    : [];
  const bullByCode = new Map<string, string>();
  for (const b of bulls) {
    bullByCode.set(b.naab_code, b.id);
    if (b.sexed_naab_code) bullByCode.set(b.sexed_naab_code, b.id);
    bullByCode.set(b.registration_number, b.id);
  }

  // 4. Parents: exist, right sex, born before the child, not the animal itself.
  const ROLE: Record<"sire" | "dam" | "recipientDam", { sex: "male" | "female"; word: string }> = {
    sire: { sex: "male", word: "sire" },
    dam: { sex: "female", word: "dam" },
    recipientDam: { sex: "female", word: "recipient dam" },
  };
  const edges = new Map<string, string[]>(); // child → in-file parents
  const badRows = new Set<number>();
  const cell = (c: Candidate, f: ImportField, reason: string) => {
    errors.push({ row: c.row, column: header(f), value: c.raw[f] ?? "", reason });
    badRows.add(c.row);
  };
  for (const c of unique) {
    const parents: string[] = [];
    for (const role of ["sire", "dam", "recipientDam"] as const) {
      const ref = c[role];
      if (!ref) continue;
      const { sex, word } = ROLE[role];
      if (ref.kind === "bull") {
        if (!bullByCode.has(ref.code))
          cell(c, role, `unknown ${word}: no bull with NAAB code ${ref.code} in the catalogue`);
        continue;
      }
      if (ref.officialId === c.officialId) {
        cell(c, role, `an animal cannot be its own ${word}`);
        continue;
      }
      const inFile = byId.get(ref.officialId);
      const inHerd = storedById.get(ref.officialId);
      const parent = inFile
        ? { sex: inFile.sex, birthDate: inFile.birthDate, where: `row ${inFile.row}` }
        : inHerd
          ? { sex: inHerd.sex, birthDate: inHerd.birth_date, where: "the herd" }
          : null;
      if (!parent) {
        if (role === "sire" && bullByCode.has(ref.officialId)) continue;
        if (fileIds.has(ref.officialId))
          cell(c, role, `the ${word} (row with official ID ${ref.officialId}) has errors`);
        else cell(c, role, `unknown ${word}: no animal with official ID ${ref.officialId} in this file or the herd`);
        continue;
      }
      if (parent.sex !== sex)
        cell(c, role, `the ${word} must be ${sex}, but ${ref.officialId} (${parent.where}) is ${parent.sex}`);
      if (parent.birthDate >= c.birthDate)
        cell(
          c,
          role,
          `the ${word} ${ref.officialId} was born ${parent.birthDate}, not before this animal (${c.birthDate})`,
        );
      if (inFile) parents.push(ref.officialId);
    }
    if (c.recipientDam?.kind === "animal" && c.dam?.kind === "animal" && c.recipientDam.officialId === c.dam.officialId)
      cell(
        c,
        "recipientDam",
        "the recipient dam is the genetic dam: leave it empty unless the calf is from embryo transfer",
      );
    edges.set(c.officialId, parents);
  }

  // 5. Updates must not contradict stored offspring that the file does not also touch.
  const updatedStored = unique.map((c) => storedById.get(c.officialId)).filter((s): s is Stored => !!s);
  if (updatedStored.length) {
    const ids = updatedStored.map((s) => s.id);
    const offspring = await tx.$queryRaw<
      {
        official_id: string;
        birth_date: string;
        sire_id: string | null;
        dam_id: string | null;
        recipient_dam_id: string | null;
      }[]
    >`SELECT official_id, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sire_id, dam_id, recipient_dam_id FROM animals
       WHERE customer_id = ${customerId}::uuid AND (sire_id = ANY(${ids}::uuid[]) OR dam_id = ANY(${ids}::uuid[]) OR recipient_dam_id = ANY(${ids}::uuid[]))`;
    const candidateOfStoredId = new Map(updatedStored.map((s) => [s.id, byId.get(s.official_id)!]));
    for (const o of offspring) {
      if (fileIds.has(o.official_id)) continue;
      for (const [col, role] of [
        [o.sire_id, "sire"],
        [o.dam_id, "dam"],
        [o.recipient_dam_id, "recipient dam"],
      ] as const) {
        const parent = col ? candidateOfStoredId.get(col) : undefined;
        if (!parent) continue;
        const sex = role === "sire" ? "male" : "female";
        if (parent.sex !== sex)
          cell(parent, "sex", `is the ${role} of ${o.official_id} in the herd, so must be ${sex}`);
        if (parent.birthDate >= o.birth_date)
          cell(
            parent,
            "birthDate",
            `is the ${role} of ${o.official_id} in the herd, born ${o.birth_date}: must be earlier`,
          );
      }
    }
  }

  // 6. Parents before children (any order in the file); a cycle is reported on each of its rows.
  const order: Candidate[] = [];
  {
    const pending = new Map<string, number>();
    const children = new Map<string, string[]>();
    for (const c of unique) {
      const ps = edges.get(c.officialId) ?? [];
      pending.set(c.officialId, ps.length);
      for (const p of ps) children.set(p, [...(children.get(p) ?? []), c.officialId]);
    }
    const ready = unique.filter((c) => pending.get(c.officialId) === 0).map((c) => c.officialId);
    while (ready.length) {
      const id = ready.pop()!;
      order.push(byId.get(id)!);
      for (const ch of children.get(id) ?? []) {
        const n = pending.get(ch)! - 1;
        pending.set(ch, n);
        if (n === 0) ready.push(ch);
      }
    }
    for (const c of unique)
      if (pending.get(c.officialId)! > 0)
        cell(c, "officialId", "pedigree cycle: this animal is its own ancestor through the file's parents");
  }

  // 7. The rows to write, and how they differ from what is stored.
  const idOf = new Map<string, string>();
  for (const c of unique) idOf.set(c.officialId, storedById.get(c.officialId)?.id ?? randomUUID());
  const parentId = (ref: ParentRef) =>
    ref?.kind === "animal" ? (idOf.get(ref.officialId) ?? storedById.get(ref.officialId)?.id ?? null) : null;
  const creates: Row[] = [];
  const updates: Row[] = [];
  let unchanged = 0;
  let activeDelta = 0;
  for (const c of order) {
    if (badRows.has(c.row)) continue;
    const s = storedById.get(c.officialId);
    const sireBull =
      c.sire?.kind === "bull"
        ? bullByCode.get(c.sire.code)!
        : c.sire?.kind === "animal" && !byId.has(c.sire.officialId) && !storedById.has(c.sire.officialId)
          ? bullByCode.get(c.sire.officialId)!
          : null;
    const keep = <K extends keyof Stored>(field: ImportField, k: K, v: Stored[K]): Stored[K] =>
      s && !c.has.has(field) ? s[k] : v;
    const row: Row = {
      id: idOf.get(c.officialId)!,
      official_id: c.officialId,
      herd_tag: keep("herdTag", "herd_tag", c.herdTag),
      name: keep("name", "name", c.name),
      breed: c.breed,
      sex: c.sex,
      birth_date: c.birthDate,
      status: keep("status", "status", c.status),
      status_date: keep("status", "status_date", keep("statusDate", "status_date", c.statusDate)),
      sire_id: keep("sire", "sire_id", sireBull ? null : parentId(c.sire)),
      sire_bull_id: keep("sire", "sire_bull_id", sireBull),
      dam_id: keep("dam", "dam_id", parentId(c.dam)),
      recipient_dam_id: keep("recipientDam", "recipient_dam_id", parentId(c.recipientDam)),
      notes: keep("notes", "notes", c.notes),
    };
    if (!s) {
      creates.push(row);
      if (row.status === "active") activeDelta++;
    } else if (differs(s, row)) {
      updates.push(row);
      activeDelta += (row.status === "active" ? 1 : 0) - (s.status === "active" ? 1 : 0);
    } else unchanged++;
  }

  // 8. The quota: active animals after the import ≤ the customer's maxAnimals.
  const q = quota ?? (await lockQuota(tx, customerId));
  if (activeDelta > 0 && q.active + activeDelta > q.maxAnimals)
    errors.push({
      row: null,
      column: null,
      value: null,
      reason: `over the animal quota: the herd has ${q.active} active animals, this import adds ${activeDelta}, the limit is ${q.maxAnimals}`,
    });

  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  const counts: ImportCounts = { rows: table.rows.length, created: creates.length, updated: updates.length, unchanged };
  return { report: { ...base, counts, committed: false }, creates, updates };
}

const COMPARED = [
  "herd_tag",
  "name",
  "breed",
  "sex",
  "birth_date",
  "status",
  "status_date",
  "sire_id",
  "sire_bull_id",
  "dam_id",
  "recipient_dam_id",
  "notes",
] as const;

function differs(a: Stored, b: Row): boolean {
  return COMPARED.some((k) => (a[k] ?? null) !== (b[k] ?? null));
}

const CHUNK = 1000;

async function write(tx: Tx, customerId: string, p: Plan): Promise<void> {
  const asDate = (d: string | null) => (d ? new Date(`${d}T00:00:00Z`) : null);
  for (let i = 0; i < p.creates.length; i += CHUNK) {
    await tx.animal.createMany({
      data: p.creates.slice(i, i + CHUNK).map((r) => ({
        id: r.id,
        customerId,
        officialId: r.official_id,
        herdTag: r.herd_tag,
        name: r.name,
        breed: r.breed,
        sex: r.sex,
        birthDate: asDate(r.birth_date)!,
        status: r.status,
        statusDate: asDate(r.status_date),
        sireId: r.sire_id,
        sireBullId: r.sire_bull_id,
        damId: r.dam_id,
        recipientDamId: r.recipient_dam_id,
        notes: r.notes,
      })),
    });
  }
  // Updates in bulk: one UPDATE … FROM unnest(…) per chunk instead of a round trip per animal.
  for (let i = 0; i < p.updates.length; i += CHUNK) {
    const rows = p.updates.slice(i, i + CHUNK);
    const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k]);
    await tx.$executeRaw`
      UPDATE animals AS a SET herd_tag = v.herd_tag, name = v.name, breed = v.breed, sex = v.sex::"Sex",
             birth_date = v.birth_date::date, status = v.status::"AnimalStatus", status_date = v.status_date::date,
             sire_id = v.sire_id, sire_bull_id = v.sire_bull_id, dam_id = v.dam_id, recipient_dam_id = v.recipient_dam_id,
             notes = v.notes, updated_at = now()
        FROM unnest(${col("id")}::uuid[], ${col("herd_tag")}::text[], ${col("name")}::text[], ${col("breed")}::text[],
                    ${col("sex")}::text[], ${col("birth_date")}::text[], ${col("status")}::text[], ${col("status_date")}::text[],
                    ${col("sire_id")}::uuid[], ${col("sire_bull_id")}::uuid[], ${col("dam_id")}::uuid[],
                    ${col("recipient_dam_id")}::uuid[], ${col("notes")}::text[])
             AS v(id, herd_tag, name, breed, sex, birth_date, status, status_date, sire_id, sire_bull_id, dam_id, recipient_dam_id, notes)
       WHERE a.id = v.id AND a.customer_id = ${customerId}::uuid`;
  }
}

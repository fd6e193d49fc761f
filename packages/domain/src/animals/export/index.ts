// Export of a filtered animal list (the filters of animals.list) as CSV or XLSX, streamed: pages
// of the list query inside the caller's tenant transaction, each written as it arrives. The columns
// are the importer's (sire as official ID or NAAB code, dam and recipient as official IDs), so an
// export re-imports unchanged.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Tx } from "@reprotech/db";
import { stringify } from "csv-stringify";
import ExcelJS from "exceljs";
import { z } from "zod";
import { EXPORT_HEADERS } from "../import/fields";
import { listAnimals, type CustomerScope } from "../queries";
import { listAnimalsInput, type AnimalView, type ListAnimalsInput } from "../schemas";
import { query } from "../sql";

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** animals.list's filters and sort (no page size or cursor: the export is the whole filtered set). */
export const exportAnimalsInput = listAnimalsInput
  .unwrap()
  .omit({ limit: true, cursor: true })
  .extend({ format: z.enum(EXPORT_FORMATS).default("csv") });
export type ExportAnimalsInput = z.input<typeof exportAnimalsInput>;

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const PAGE = 1000;

/** Pages of export rows (cells in EXPORT_HEADERS order), parents resolved to their official IDs / NAAB codes. */
export async function* exportRows(tx: Tx, scope: CustomerScope, filters: Omit<ListAnimalsInput, "limit" | "cursor">) {
  let cursor: string | undefined;
  do {
    const page = await listAnimals(tx, scope, { ...filters, limit: PAGE, cursor });
    const animalIds = new Set<string>();
    const bullIds = new Set<string>();
    for (const a of page.items) {
      for (const id of [a.sireId, a.damId, a.recipientDamId]) if (id) animalIds.add(id);
      if (a.sireBullId) bullIds.add(a.sireBullId);
    }
    const parents = new Map<string, string>();
    if (animalIds.size)
      for (const r of await query<{ id: string; code: string }>(
        tx,
        `SELECT id::text AS id, official_id AS code FROM animals WHERE id = ANY($1::uuid[])`,
        [[...animalIds]],
      ))
        parents.set(r.id, r.code);
    if (bullIds.size)
      for (const r of await query<{ id: string; code: string }>(
        tx,
        `SELECT id::text AS id, naab_code AS code FROM bulls WHERE id = ANY($1::uuid[])`,
        [[...bullIds]],
      ))
        parents.set(r.id, r.code);
    const ref = (id: string | null) => (id ? (parents.get(id) ?? "") : "");
    yield page.items.map((a: AnimalView) => [
      a.officialId,
      a.herdTag ?? "",
      a.name ?? "",
      a.breed,
      a.sex === "female" ? "F" : "M",
      a.birthDate,
      a.status,
      a.statusDate ?? "",
      ref(a.sireId ?? a.sireBullId),
      ref(a.damId),
      ref(a.recipientDamId),
      a.notes ?? "",
    ]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Writes the whole filtered list to `out` (with backpressure) and returns the number of animals. */
export async function exportAnimals(
  tx: Tx,
  scope: CustomerScope,
  input: z.output<typeof exportAnimalsInput>,
  out: Writable,
): Promise<number> {
  const { format, ...filters } = input;
  let count = 0;
  if (format === "csv") {
    const csv = stringify({ header: true, columns: [...EXPORT_HEADERS], bom: true });
    csv.pipe(out);
    for await (const rows of exportRows(tx, scope, filters)) {
      for (const row of rows) if (!csv.write(row)) await once(csv, "drain");
      count += rows.length;
    }
    csv.end();
    await once(csv, "end");
    return count;
  }
  // Cells are written as text (dates too) so a re-import reads exactly what was stored.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet("Animals");
  sheet.addRow([...EXPORT_HEADERS]).commit();
  for await (const rows of exportRows(tx, scope, filters)) {
    for (const row of rows) sheet.addRow(row).commit();
    count += rows.length;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

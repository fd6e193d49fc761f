// Stored genomic reports. A report is identified by its animal and the SHA-256 of everything it shows
// (report-data.ts): asked for again with unchanged inputs, the stored PDF is served; once any input
// changes (a new prediction, genotype, parentage result, pedigree or index) the hash changes and a new
// PDF is rendered and stored beside the old ones. Blobs live under
//   processed-results/genetic-reports/customer-<customer id>/<animal id>/<inputs hash>
// (ids and hex only, so the key passes the blob store's key rules). The blob is written before the
// row: if the transaction then rolls back, the blob is an orphan under a key the next request for the
// same inputs overwrites, never a row without its bytes. Read-only callers (researchers) are served a
// stored report when there is one, else a freshly rendered one that is NOT stored: they never write.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { locateAnimal } from "../animals/queries";
import { query } from "../animals/sql";
import { assertBlobKey, type BlobStore } from "../genotypes/blob-store";
import { gatherReportData, reportInputsHash } from "./report-data";
import { renderReportPdf } from "./report-pdf";

export const REPORT_CONTENT_TYPE = "application/pdf";

export const reportInput = z.object({ animalId: z.uuid(), customerId: z.uuid().optional() });

export const reportInfoSchema = z.object({
  /** null: rendered for a read-only caller and not stored. */
  id: z.uuid().nullable(),
  animalId: z.uuid(),
  customerId: z.uuid(),
  officialId: z.string(),
  inputsHash: z.string(),
  byteSize: z.number().int(),
  sha256: z.string(),
  /** When this PDF was generated (an unchanged animal keeps its earlier PDF). */
  createdAt: z.string(),
  /** Whether this request rendered it (false: the stored one is served). */
  generated: z.boolean(),
  fileName: z.string(),
});
export type ReportInfo = z.infer<typeof reportInfoSchema>;

export function reportBlobKey(customerId: string, animalId: string, inputsHash: string): string {
  const key = `processed-results/genetic-reports/customer-${customerId.toLowerCase()}/${animalId.toLowerCase()}/${inputsHash}`;
  assertBlobKey(key);
  return key;
}

interface ReportRow {
  id: string;
  blobKey: string;
  byteSize: number;
  sha256: string;
  createdAt: string;
}

const ROW = `id::text AS id, blob_key AS "blobKey", byte_size AS "byteSize", sha256,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

/**
 * The animal's report for its current inputs, rendered and (unless `persist` is false) stored when
 * there is none; NOT_FOUND when the scope cannot see the animal. `open` streams its bytes.
 */
export async function ensureReport(
  tx: Tx,
  store: BlobStore,
  input: z.output<typeof reportInput>,
  options: { persist?: boolean; now?: () => Date } = {},
): Promise<{ info: ReportInfo; open: () => Promise<Readable> }> {
  const customerId = await locateAnimal(tx, input.animalId, input.customerId);
  const data = await gatherReportData(tx, customerId, input.animalId);
  const inputsHash = reportInputsHash(data);
  const describe = (
    row: Omit<ReportRow, "blobKey" | "id"> & { id: string | null },
    generated: boolean,
  ): ReportInfo => ({
    id: row.id,
    animalId: input.animalId,
    customerId,
    officialId: data.animal.officialId,
    inputsHash,
    byteSize: row.byteSize,
    sha256: row.sha256,
    createdAt: row.createdAt,
    generated,
    fileName: `genomic-report-${data.animal.officialId.replace(/[^A-Za-z0-9_-]/g, "_")}-${inputsHash.slice(0, 8)}.pdf`,
  });

  const [stored] = await query<ReportRow>(
    tx,
    `SELECT ${ROW} FROM gbv_reports WHERE animal_id = $1::uuid AND customer_id = $2::uuid AND inputs_hash = $3`,
    [input.animalId, customerId, inputsHash],
  );
  if (stored && (await store.exists(stored.blobKey)))
    return { info: describe(stored, false), open: () => store.get(stored.blobKey) };

  const generatedAt = (options.now ?? (() => new Date()))();
  const pdf = await renderReportPdf(data, generatedAt, inputsHash);
  const open = async () => Readable.from([pdf]);
  if (options.persist === false) {
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    const row = { id: null, byteSize: pdf.length, sha256, createdAt: generatedAt.toISOString() };
    return { info: describe(row, true), open };
  }
  const blobKey = reportBlobKey(customerId, input.animalId, inputsHash);
  const blob = await store.put(blobKey, Readable.from([pdf]));
  // A concurrent request for the same inputs stored the same report: keep one row.
  const [row] = await query<ReportRow>(
    tx,
    `INSERT INTO gbv_reports (id, customer_id, animal_id, inputs_hash, blob_key, byte_size, sha256)
     VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4, $5, $6)
     ON CONFLICT (animal_id, inputs_hash) DO UPDATE
       SET blob_key = EXCLUDED.blob_key, byte_size = EXCLUDED.byte_size, sha256 = EXCLUDED.sha256, created_at = now()
     RETURNING ${ROW}`,
    [customerId, input.animalId, inputsHash, blobKey, blob.bytes, blob.sha256],
  );
  return { info: describe(row!, true), open };
}

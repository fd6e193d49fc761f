// Reading the current genotypes on a panel a page at a time (one COPY cut into pages, or a page of an
// upload's or given genotypes), so scoring and frequency counts never hold every packed row at once:
// 10,000 animals × 60K SNPs is 150 MB of packed bytes, a page of PAGE_SIZE rows ~30 MB. The rows of a
// page are concatenated into one PackedMatrix (on a SharedArrayBuffer, so a kernel thread takes it
// without a copy).
//
// Pages are read with `COPY (SELECT …) TO STDOUT (FORMAT binary)` on a raw pg client in a scoped
// transaction (withTenantClient): bytea arrives as its raw bytes. A plain query (Prisma's or pg's)
// gets it as hex text — twice the bytes on the socket and a decode per row on the event loop, which
// made reading 3–4 s of a 10,000-animal re-score (bench:gbv). copy-out.ts hands the COPY's bytes over
// as they left the socket; copy-packed-rows.ts parses them and copies each packed row straight into
// the page.
import { bytesPerSample, snpGenotypeCounts, bAlleleFrequencies, type PackedMatrix } from "@reprotech/genomics";
import { isUuid } from "@reprotech/db";
import type pg from "pg";
import { CopyOut } from "./copy-out";
import { packedRowPages, readPackedRows, type PackedRows, type PageBuffers } from "./copy-packed-rows";

export const PAGE_SIZE = 2000;

export interface GenotypePage {
  matrix: PackedMatrix;
  genotypeIds: string[];
  animalIds: string[];
  customerIds: string[];
}

/** A uuid as an SQL literal: COPY takes no bind parameters, so every value is checked and quoted here. */
function uuidLiteral(value: string): string {
  if (!isUuid(value)) throw new Error(`Not a uuid: ${JSON.stringify(value)}`);
  return `'${value}'::uuid`;
}

/** The COPY of current genotypes on the panel matching `where` (ids and packed bytes), in id order. */
function copyGenotypes(client: pg.ClientBase, panelId: string, where: string[], limit?: number) {
  const conditions = [`g.panel_id = ${uuidLiteral(panelId)}`, "g.is_current", ...where];
  return client.query(
    new CopyOut(
      `COPY (SELECT g.id::text, g.animal_id::text, g.customer_id::text, g.packed FROM genotypes g
             WHERE ${conditions.join(" AND ")} ORDER BY g.id ${limit === undefined ? "" : `LIMIT ${limit}`})
       TO STDOUT (FORMAT binary)`,
    ),
  );
}

const describeRow = (texts: string[][], r: number) => `genotype ${texts[0]![r]}`;

function toPage(rows: PackedRows, nSnps: number): GenotypePage {
  const [genotypeIds, animalIds, customerIds] = rows.texts as [string[], string[], string[]];
  return { matrix: { nSamples: rows.rows, nSnps, data: rows.data }, genotypeIds, animalIds, customerIds };
}

/**
 * One page of current genotypes on the panel after `afterId` (every tenant the transaction's scope
 * sees), or only an upload's or given genotypes.
 */
export async function readGenotypePage(
  client: pg.ClientBase,
  panelId: string,
  nSnps: number,
  afterId: string | null,
  limit = PAGE_SIZE,
  only?: { uploadId?: string; genotypeIds?: readonly string[] },
): Promise<GenotypePage | null> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`page size ${limit}`);
  const where: string[] = [];
  if (afterId !== null) where.push(`g.id > ${uuidLiteral(afterId)}`);
  if (only?.uploadId !== undefined) where.push(`g.upload_id = ${uuidLiteral(only.uploadId)}`);
  if (only?.genotypeIds !== undefined)
    where.push(`g.id = ANY(ARRAY[${only.genotypeIds.map(uuidLiteral).join(", ") || "NULL"}]::uuid[])`);
  const copy = copyGenotypes(client, panelId, where, limit);
  const rows = await readPackedRows(copy, 3, bytesPerSample(nSnps), limit, describeRow);
  return rows.rows === 0 ? null : toPage(rows, nSnps);
}

/**
 * Every current genotype on the panel, `pageSize` at a time, from ONE COPY (a COPY per page cost about
 * twice the time: bench:gbv). The client stays busy until the last page was taken. Pages whose
 * matrix the consumer hands back to `buffers` are filled again.
 */
export async function* genotypePages(
  client: pg.ClientBase,
  panelId: string,
  nSnps: number,
  pageSize = PAGE_SIZE,
  buffers?: PageBuffers,
): AsyncGenerator<GenotypePage> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`page size ${pageSize}`);
  const copy = copyGenotypes(client, panelId, []);
  const stride = bytesPerSample(nSnps);
  for await (const rows of packedRowPages(copy, 3, stride, pageSize, describeRow, buffers)) yield toPage(rows, nSnps);
}

/** B-allele frequencies over the current genotypes on the panel, and how many animals they came from. */
export async function panelFrequencies(client: pg.ClientBase, panelId: string, nSnps: number) {
  const hom0 = new Uint32Array(nSnps);
  const het = new Uint32Array(nSnps);
  const hom2 = new Uint32Array(nSnps);
  const missing = new Uint32Array(nSnps);
  let nSamples = 0;
  for await (const page of genotypePages(client, panelId, nSnps)) {
    const c = snpGenotypeCounts(page.matrix);
    for (let j = 0; j < nSnps; j++) {
      hom0[j]! += c.hom0[j]!;
      het[j]! += c.het[j]!;
      hom2[j]! += c.hom2[j]!;
      missing[j]! += c.missing[j]!;
    }
    nSamples += c.nSamples;
  }
  return { p: bAlleleFrequencies({ nSnps, nSamples, hom0, het, hom2, missing }), nAnimals: nSamples };
}

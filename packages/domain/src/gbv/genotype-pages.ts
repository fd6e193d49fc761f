// Reading the current genotypes on a panel a page at a time (keyset on the genotype id), so scoring
// and frequency counts never hold every packed row at once: 10,000 animals × 60K SNPs is 150 MB of
// packed bytes, a page of PAGE_SIZE rows ~30 MB. The rows of a page are concatenated into one
// PackedMatrix (on a SharedArrayBuffer, so a kernel thread takes it without a copy).
//
// Pages are read with `COPY (SELECT …) TO STDOUT (FORMAT binary)` on a raw pg client in a scoped
// transaction (withTenantClient): bytea arrives as its raw bytes. A plain query (Prisma's or pg's)
// gets it as hex text — twice the bytes on the socket and a decode per row on the event loop, which
// made reading 3–4 s of a 10,000-animal re-score (bench:gbv). copy-packed-rows.ts parses the COPY
// stream and copies each packed row straight into the page.
import { bytesPerSample, snpGenotypeCounts, bAlleleFrequencies, type PackedMatrix } from "@reprotech/genomics";
import { isUuid } from "@reprotech/db";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { readPackedRows } from "./copy-packed-rows";

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

/** One page of current genotypes on the panel after `afterId` (every tenant the transaction's scope sees). */
export async function readGenotypePage(
  client: pg.ClientBase,
  panelId: string,
  nSnps: number,
  afterId: string | null,
  limit = PAGE_SIZE,
  only?: { uploadId?: string; genotypeIds?: readonly string[] },
): Promise<GenotypePage | null> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`page size ${limit}`);
  const where = [`g.panel_id = ${uuidLiteral(panelId)}`, "g.is_current"];
  if (afterId !== null) where.push(`g.id > ${uuidLiteral(afterId)}`);
  if (only?.uploadId !== undefined) where.push(`g.upload_id = ${uuidLiteral(only.uploadId)}`);
  if (only?.genotypeIds !== undefined)
    where.push(`g.id = ANY(ARRAY[${only.genotypeIds.map(uuidLiteral).join(", ") || "NULL"}]::uuid[])`);
  const copy = client.query(
    copyTo(
      `COPY (SELECT g.id::text, g.animal_id::text, g.customer_id::text, g.packed FROM genotypes g
             WHERE ${where.join(" AND ")} ORDER BY g.id LIMIT ${limit}) TO STDOUT (FORMAT binary)`,
    ),
  );
  const stride = bytesPerSample(nSnps);
  const page = await readPackedRows(copy, 3, stride, limit, (texts, r) => `genotype ${texts[0]![r]}`);
  if (page.rows === 0) return null;
  const [genotypeIds, animalIds, customerIds] = page.texts as [string[], string[], string[]];
  return { matrix: { nSamples: page.rows, nSnps, data: page.data }, genotypeIds, animalIds, customerIds };
}

/** Every page in turn. */
export async function* genotypePages(
  client: pg.ClientBase,
  panelId: string,
  nSnps: number,
  pageSize = PAGE_SIZE,
): AsyncGenerator<GenotypePage> {
  let after: string | null = null;
  for (;;) {
    const page = await readGenotypePage(client, panelId, nSnps, after, pageSize);
    if (!page) return;
    yield page;
    after = page.genotypeIds.at(-1)!;
  }
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

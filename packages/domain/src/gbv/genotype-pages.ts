// Reading the current genotypes on a panel a page at a time (keyset on the genotype id), so scoring
// and frequency counts never hold every packed row at once: 10,000 animals × 60K SNPs is 150 MB of
// packed bytes, a page of PAGE_SIZE rows ~30 MB. The rows of a page are concatenated into one
// PackedMatrix the genomics kernels take as is.
import type { Tx } from "@reprotech/db";
import { bytesPerSample, snpGenotypeCounts, bAlleleFrequencies, type PackedMatrix } from "@reprotech/genomics";
import { query } from "../animals/sql";

export const PAGE_SIZE = 2000;

export interface GenotypePage {
  matrix: PackedMatrix;
  genotypeIds: string[];
  animalIds: string[];
  customerIds: string[];
}

interface Row {
  id: string;
  animalId: string;
  customerId: string;
  packed: Uint8Array;
}

/** One page of current genotypes on the panel after `afterId` (every tenant the transaction's scope sees). */
export async function readGenotypePage(
  tx: Tx,
  panelId: string,
  nSnps: number,
  afterId: string | null,
  limit = PAGE_SIZE,
  only?: { uploadId?: string; genotypeIds?: readonly string[] },
): Promise<GenotypePage | null> {
  const rows = await query<Row>(
    tx,
    `SELECT g.id::text AS id, g.animal_id::text AS "animalId", g.customer_id::text AS "customerId", g.packed
     FROM genotypes g
     WHERE g.panel_id = $1::uuid AND g.is_current AND ($2::uuid IS NULL OR g.id > $2::uuid)
       AND ($4::uuid IS NULL OR g.upload_id = $4::uuid) AND ($5::text[] IS NULL OR g.id = ANY($5::text[]::uuid[]))
     ORDER BY g.id LIMIT $3`,
    [panelId, afterId, limit, only?.uploadId ?? null, only?.genotypeIds ?? null],
  );
  if (rows.length === 0) return null;
  const stride = bytesPerSample(nSnps);
  const data = new Uint8Array(rows.length * stride);
  rows.forEach((r, i) => {
    if (r.packed.length !== stride)
      throw new Error(`genotype ${r.id} holds ${r.packed.length} bytes, the panel needs ${stride}`);
    data.set(r.packed, i * stride);
  });
  return {
    matrix: { nSamples: rows.length, nSnps, data },
    genotypeIds: rows.map((r) => r.id),
    animalIds: rows.map((r) => r.animalId),
    customerIds: rows.map((r) => r.customerId),
  };
}

/** Every page in turn. */
export async function* genotypePages(
  tx: Tx,
  panelId: string,
  nSnps: number,
  pageSize = PAGE_SIZE,
): AsyncGenerator<GenotypePage> {
  let after: string | null = null;
  for (;;) {
    const page = await readGenotypePage(tx, panelId, nSnps, after, pageSize);
    if (!page) return;
    yield page;
    after = page.genotypeIds.at(-1)!;
  }
}

/** B-allele frequencies over the current genotypes on the panel, and how many animals they came from. */
export async function panelFrequencies(tx: Tx, panelId: string, nSnps: number) {
  const hom0 = new Uint32Array(nSnps);
  const het = new Uint32Array(nSnps);
  const hom2 = new Uint32Array(nSnps);
  const missing = new Uint32Array(nSnps);
  let nSamples = 0;
  for await (const page of genotypePages(tx, panelId, nSnps)) {
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

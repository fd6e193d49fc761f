// PLINK export of a selection's genotypes as one streamed zip: .bed/.bim/.fam or .ped/.map, written
// with the genomics library's writers. Memory stays flat whatever the selection: genotypes are read
// in pages, each in its own short tenant transaction (an export of thousands of animals outlives any
// sensible transaction timeout, and a slow client must not hold a connection), by the genotype ids
// the plan fixed — a concurrent ingest that makes a newer genotype current cannot mix two genotypes
// of one animal into the files.
//
// .ped is sample-major like the stored rows: pages of whole rows, each written as it arrives.
// .bed is SNP-major, so each pass reads one block of SNPs (a byte range of every packed row, cut
// out by substring() in PostgreSQL) for all samples and transposes it with writeBed; the block is
// sized so samples x block stays near BLOCK_BUDGET whatever the number of samples.
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@reprotech/core";
import { withTenant, type PrismaClient, type TenantScope } from "@reprotech/db";
import {
  bytesPerSample,
  formatBim,
  formatFam,
  formatMap,
  SnpPanel,
  writeBed,
  writePed,
  type SampleInfo,
  type SnpMarker,
} from "@reprotech/genomics";
import { ZipArchive } from "archiver";
import { query } from "../animals/sql";
import type { GenotypeExportPlan, GenotypeExportSample } from "./export-plan";
import { decodeMarkerMap } from "./panel-codec";

export * from "./export-plan";

export const GENOTYPE_EXPORT_CONTENT_TYPE = "application/zip";

export interface GenotypeExportOptions {
  /** Packed bytes one .bed pass holds (samples x SNP block); default 8 MB. */
  blockBudget?: number;
  /** Packed bytes one page query returns; default 4 MB. */
  pageBudget?: number;
}

const BLOCK_BUDGET = 8 << 20;
const PAGE_BUDGET = 4 << 20;
/** Ids per page query at most, so the id array parameter stays small too. */
const MAX_PAGE_ROWS = 5000;

/** File names: the panel's name and version, safe in a zip entry and a Content-Disposition header. */
export function genotypeExportName(plan: GenotypeExportPlan): string {
  const slug = `${plan.panel.name}-${plan.panel.version}`.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "");
  return `genotypes-${slug || "panel"}`;
}

export function genotypeExportFileName(plan: GenotypeExportPlan, now = new Date()): string {
  return `${genotypeExportName(plan)}-${plan.format}-${now.toISOString().slice(0, 10)}.zip`;
}

/**
 * Alleles as PLINK files need them: the panel's letters where it knows two distinct one-letter
 * alleles, else A/B (a panel registered from a .map has no letters; stored codes count B alleles).
 */
function exportPanel(panel: SnpPanel): SnpPanel {
  const known = (m: SnpMarker) => m.a.length === 1 && m.b.length === 1 && m.a !== m.b && m.a !== "0" && m.b !== "0";
  return new SnpPanel(panel.markers.map((m) => (known(m) ? m : { ...m, a: "A", b: "B" })));
}

/** Byte range [from, from + length) of each sample's packed row, in the samples' order. */
async function readRows(
  db: PrismaClient,
  scope: TenantScope,
  samples: readonly GenotypeExportSample[],
  from: number,
  length: number,
  into: Uint8Array,
): Promise<void> {
  const ids = samples.map((s) => s.genotypeId);
  const rows = await withTenant(db, scope, (tx) =>
    query<{ id: string; packed: Uint8Array }>(
      tx,
      `SELECT id::text AS id, substring(packed FROM $2::int FOR $3::int) AS packed FROM genotypes WHERE id = ANY($1::uuid[])`,
      [ids, from + 1, length],
    ),
  );
  const at = new Map(ids.map((id, i) => [id, i]));
  for (const r of rows) into.set(new Uint8Array(r.packed).subarray(0, length), at.get(r.id)! * length);
  if (rows.length !== ids.length)
    throw new AppError("CONFLICT", "Genotypes were removed while the export ran; export again");
}

/** The .bed: the magic bytes, then one SNP block after another, each read for every sample in pages. */
async function* bedChunks(
  db: PrismaClient,
  scope: TenantScope,
  plan: GenotypeExportPlan,
  options: GenotypeExportOptions,
): AsyncGenerator<Uint8Array> {
  const n = plan.samples.length;
  const nSnps = plan.panel.markerCount;
  // SNPs per pass: a multiple of 4 so every block starts on a byte of the packed rows.
  const blockSnps = Math.min(
    nSnps + 3 - ((nSnps + 3) % 4),
    Math.max(4, 4 * Math.floor((options.blockBudget ?? BLOCK_BUDGET) / n)),
  );
  let first = true;
  for (let j0 = 0; j0 < nSnps; j0 += blockSnps) {
    const nb = Math.min(blockSnps, nSnps - j0);
    const width = bytesPerSample(nb);
    const data = new Uint8Array(n * width);
    const pageRows = Math.min(MAX_PAGE_ROWS, Math.max(1, Math.floor((options.pageBudget ?? PAGE_BUDGET) / width)));
    for (let i0 = 0; i0 < n; i0 += pageRows) {
      const page = plan.samples.slice(i0, i0 + pageRows);
      await readRows(db, scope, page, j0 >>> 2, width, data.subarray(i0 * width, (i0 + page.length) * width));
    }
    let magic = true;
    for (const chunk of writeBed({ nSamples: n, nSnps: nb, data })) {
      // writeBed starts every block with the magic bytes; the file has them once.
      if (magic && !first) {
        magic = false;
        continue;
      }
      magic = false;
      first = false;
      yield chunk;
    }
  }
}

/** The .ped: pages of whole rows, each written as a run of lines. */
async function* pedChunks(
  db: PrismaClient,
  scope: TenantScope,
  plan: GenotypeExportPlan,
  panel: SnpPanel,
  options: GenotypeExportOptions,
): AsyncGenerator<Uint8Array> {
  const stride = bytesPerSample(panel.size);
  const pageRows = Math.min(MAX_PAGE_ROWS, Math.max(1, Math.floor((options.pageBudget ?? PAGE_BUDGET) / stride)));
  for (let i0 = 0; i0 < plan.samples.length; i0 += pageRows) {
    const page = plan.samples.slice(i0, i0 + pageRows);
    const data = new Uint8Array(page.length * stride);
    await readRows(db, scope, page, 0, stride, data);
    const infos: SampleInfo[] = page.map((s) => s.info);
    yield* writePed(panel, infos, { nSamples: page.length, nSnps: panel.size, data });
  }
}

async function loadPanel(db: PrismaClient, scope: TenantScope, panelId: string): Promise<SnpPanel> {
  const [row] = await withTenant(db, scope, (tx) =>
    query<{ markerMap: Uint8Array }>(tx, `SELECT marker_map AS "markerMap" FROM snp_panels WHERE id = $1::uuid`, [
      panelId,
    ]),
  );
  if (!row) throw new AppError("NOT_FOUND", "SNP panel not found");
  return exportPanel(decodeMarkerMap(new Uint8Array(row.markerMap)));
}

/**
 * Writes the plan's files as one zip to `out` (with backpressure; `out` is ended). Rejects, and
 * destroys `out`, when reading or writing fails midway, so a client never takes a cut file for whole.
 */
export async function writeGenotypeExport(
  db: PrismaClient,
  scope: TenantScope,
  plan: GenotypeExportPlan,
  out: Writable,
  options: GenotypeExportOptions = {},
): Promise<{ bytes: number }> {
  const panel = await loadPanel(db, scope, plan.panel.id);
  if (panel.size !== plan.panel.markerCount)
    throw new AppError(
      "CONFLICT",
      `Panel ${plan.panel.name} has ${panel.size} markers, its record ${plan.panel.markerCount}`,
    );
  const base = genotypeExportName(plan);
  const archive = new ZipArchive({ zlib: { level: 1 } });
  const written = pipeline(archive, out);
  const genotypes = Readable.from(
    plan.format === "bed" ? bedChunks(db, scope, plan, options) : pedChunks(db, scope, plan, panel, options),
    { objectMode: false },
  );
  // The zip module does not forward a source's error: fail the archive (and so `out`) with it.
  genotypes.once("error", (error) => archive.destroy(error));
  const fam = formatFam(plan.samples.map((s) => s.info));
  if (plan.format === "bed") {
    archive.append(formatBim(panel), { name: `${base}.bim` });
    archive.append(fam, { name: `${base}.fam` });
    archive.append(genotypes, { name: `${base}.bed` });
  } else {
    archive.append(formatMap(panel), { name: `${base}.map` });
    archive.append(genotypes, { name: `${base}.ped` });
  }
  // finalize() also rejects on a failure that `written` reports; the pipeline is the one answer.
  archive.finalize().catch(() => {});
  try {
    await written;
  } finally {
    if (!genotypes.destroyed) genotypes.destroy();
  }
  return { bytes: archive.pointer() };
}

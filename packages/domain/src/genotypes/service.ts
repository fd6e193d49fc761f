// SNP panels (the global catalogue) and genotype uploads (tenant rows). Every function takes the
// caller's tenant transaction — except createUpload, which opens two short ones around the blob put —
// so row-level security decides which uploads exist for the caller.
import { createHash, randomUUID } from "node:crypto";
import { AppError } from "@reprotech/core";
import { withTenant, type PrismaClient, type TenantScope, type Tx } from "@reprotech/db";
import { GenotypeFormatError, parseBim, parseMap, readIlluminaManifest, type SnpPanel } from "@reprotech/genomics";
import { query } from "../animals/sql";
import { asCatalogueWriter } from "../bulls/service";
import { promotableTo, uploadBlobKey, type BlobStore, type StagedBlob, type StoredBlob } from "./blob-store";
import { decodeMarkerMap, encodeMarkerMap } from "./panel-codec";
import type { GenotypeUploadView, SnpPanelView } from "./schemas";
import { checkPanelFit, SNIFF_BYTES, sniffGenotypeFormat } from "./sniff";

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const PANEL_COLUMNS = `p.id::text AS id, p.name, p.version, p.marker_count AS "markerCount",
  p.source_format AS "sourceFormat", p.source_sha256 AS "sourceSha256", ${ISO("p.created_at")} AS "createdAt"`;

const UPLOAD_COLUMNS = `u.id::text AS id, u.customer_id::text AS "customerId", u.uploader_id::text AS "uploaderId",
  u.original_file_name AS "originalFileName", u.byte_size::float8 AS "byteSize", u.sha256, u.format::text AS format,
  u.panel_id::text AS "panelId", u.status::text AS status, u.error_message AS "errorMessage",
  u.sample_count AS "sampleCount", u.matched_count AS "matchedCount", u.stored_count AS "storedCount",
  u.idempotency_key AS "idempotencyKey", ${ISO("u.created_at")} AS "createdAt", ${ISO("u.updated_at")} AS "updatedAt"`;

const bad = (message: string) => new AppError("BAD_REQUEST", message);

// ---------------------------------------------------------------------------------------------
// Panels

export interface PanelSource {
  /** The file's name, for messages only; the format is read from the content. */
  name: string;
  bytes: Uint8Array;
}

/** Reads a panel from an Illumina manifest CSV, a PLINK .bim or a PLINK .map, told apart by content. */
export async function parsePanelSource(
  source: PanelSource,
): Promise<{ panel: SnpPanel; format: SnpPanelView["sourceFormat"] }> {
  if (source.bytes.length === 0) throw bad("The panel file is empty");
  const head = new TextDecoder("latin1").decode(source.bytes.subarray(0, 64 * 1024)).replace(/^\u00ef\u00bb\u00bf/, "");
  try {
    if (/^\s*\[Heading\]/i.test(head) || /^\[Assay\]/im.test(head)) {
      const manifest = await readIlluminaManifest(source.bytes);
      return { panel: manifest.panel, format: "manifest" };
    }
    const first = head.split(/\r?\n/).find((l) => l.trim() !== "" && !l.startsWith("#"));
    const fields = first?.trim().split(/\s+/).length ?? 0;
    const text = new TextDecoder("utf-8").decode(source.bytes);
    if (fields === 6) return { panel: parseBim(text), format: "bim" };
    if (fields === 4 || fields === 3) return { panel: parseMap(text), format: "map" };
  } catch (error) {
    if (error instanceof GenotypeFormatError || error instanceof Error) throw bad(`${source.name}: ${error.message}`);
    throw error;
  }
  throw bad(`${source.name}: not an Illumina manifest CSV, a PLINK .bim (6 columns) or a PLINK .map (4 columns)`);
}

export async function registerPanel(
  tx: Tx,
  input: { name: string; version: string; source: PanelSource },
): Promise<SnpPanelView> {
  const { panel, format } = await parsePanelSource(input.source);
  if (panel.size === 0) throw bad(`${input.source.name}: the file lists no SNPs`);
  const sha256 = createHash("sha256").update(input.source.bytes).digest("hex");
  return asCatalogueWriter(tx, async () => {
    const rows = await query<SnpPanelView>(
      tx,
      `INSERT INTO snp_panels AS p (id, name, version, marker_count, marker_map, source_sha256, source_format)
       VALUES ($1::uuid, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (name, version) DO NOTHING
       RETURNING ${PANEL_COLUMNS}`,
      [randomUUID(), input.name, input.version, panel.size, encodeMarkerMap(panel), sha256, format],
    );
    const row = rows[0];
    if (!row) throw new AppError("CONFLICT", `Panel ${input.name} version ${input.version} already exists`);
    return row;
  });
}

export function listPanels(tx: Tx): Promise<SnpPanelView[]> {
  return query<SnpPanelView>(tx, `SELECT ${PANEL_COLUMNS} FROM snp_panels p ORDER BY p.name, p.created_at DESC`, []);
}

// ---------------------------------------------------------------------------------------------
// Uploads

export interface UploadInput {
  customerId: string;
  /** The signed-in uploader; null for API tokens. */
  uploaderId: string | null;
  file: Blob & { name: string };
  panelId: string;
  idempotencyKey?: string | undefined;
  /**
   * The same bytes as `file`, already spooled (by the streaming upload route) and measured: moved
   * into place when the store allows it (promotableTo), rather than read and written again.
   */
  staged?: StagedBlob | undefined;
}

/** A display name only: no directories, no control characters, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = name.replace(/\\/g, "/").split("/").pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (clean || "upload").slice(0, 255);
}

/**
 * A panel's SNP names by panel id, for checking uploads against it. Panels never change once
 * registered (a new version is a new row), so the decoded set stays valid; only a few are kept.
 */
const panelSnps = new Map<string, Set<string>>();
function snpNamesOf(panelId: string, markerMap: Uint8Array): Set<string> {
  let names = panelSnps.get(panelId);
  if (!names) {
    names = new Set(decodeMarkerMap(markerMap).markers.map((m) => m.name));
    if (panelSnps.size >= 8) panelSnps.delete(panelSnps.keys().next().value!);
    panelSnps.set(panelId, names);
  }
  return names;
}

async function uploadWhere(tx: Tx, where: string, params: unknown[]): Promise<GenotypeUploadView | undefined> {
  const rows = await query<GenotypeUploadView>(
    tx,
    `SELECT ${UPLOAD_COLUMNS} FROM genotype_uploads u WHERE ${where}`,
    params,
  );
  return rows[0];
}

/**
 * Stores the raw file in `store` while hashing it and records the upload, status queued. The same
 * bytes for the same customer, or the same idempotency key, give back the earlier upload
 * (`created: false`) and keep nothing new. Bad files (empty, binary, compressed, header only,
 * unknown format, another panel's SNPs) are refused before anything is written.
 *
 * Opens its own short tenant transactions in `scope` (like writeGenotypeExport) because the blob
 * put — a copy of up to 2 GB, or a network upload to S3 — must not run inside one: it would pin a
 * pool connection and outlive the transaction's timeout. So: (1) a transaction looks up an earlier
 * upload by idempotency key and the panel; (2) outside any transaction the file is sniffed, checked
 * against the panel and put under its final key while hashed; (3) a second transaction inserts the
 * row (ON CONFLICT DO NOTHING on customer+sha256 / customer+key) and runs `onCreated` (the audit
 * record) in the same transaction. A conflict or a failed insert deletes the stored blob after
 * the transaction ended.
 */
export async function createUpload(
  db: PrismaClient,
  scope: TenantScope,
  store: BlobStore,
  input: UploadInput,
  onCreated: (tx: Tx, upload: GenotypeUploadView) => Promise<void> = async () => {},
): Promise<{ upload: GenotypeUploadView; created: boolean }> {
  const found = await withTenant(db, scope, async (tx) => {
    if (input.idempotencyKey) {
      const earlier = await uploadWhere(tx, `u.customer_id = $1::uuid AND u.idempotency_key = $2`, [
        input.customerId,
        input.idempotencyKey,
      ]);
      if (earlier) return { earlier, panel: undefined };
    }
    const [panel] = await query<{ id: string; name: string; version: string; markerMap: Uint8Array }>(
      tx,
      `SELECT id::text AS id, name, version, marker_map AS "markerMap" FROM snp_panels WHERE id = $1::uuid`,
      [input.panelId],
    );
    if (!panel) throw new AppError("NOT_FOUND", "SNP panel not found");
    return { earlier: undefined, panel };
  });
  if (found.earlier) return { upload: found.earlier, created: false };
  const { panel } = found;

  if (input.file.size === 0) throw bad("The file is empty");
  const head = new Uint8Array(await input.file.slice(0, SNIFF_BYTES).arrayBuffer());
  const complete = input.file.size <= SNIFF_BYTES;
  const format = sniffGenotypeFormat(head, complete);
  const snps = snpNamesOf(panel.id, panel.markerMap);
  checkPanelFit(head, complete, format, {
    size: snps.size,
    hasSnp: (name) => snps.has(name),
    label: `${panel.name} v${panel.version}`,
  });

  // An id chosen before the body was read is kept: the read-ahead job waits for that row.
  const id = input.staged?.uploadId ?? randomUUID();
  const key = uploadBlobKey(input.customerId, id);
  const staged = promotableTo(store, input.staged);
  let stored: StoredBlob;
  if (staged) {
    if (staged.bytes !== input.file.size)
      throw new Error(`staged ${staged.bytes} bytes of a ${input.file.size}-byte upload`);
    // The file is read no further (sniffing is done): it now lives at `key`.
    await staged.store.promote(staged.key, key);
    stored = { bytes: staged.bytes, sha256: staged.sha256 };
  } else stored = await store.put(key, input.file.stream());
  let outcome: { upload: GenotypeUploadView; created: boolean };
  try {
    if (stored.bytes !== input.file.size)
      throw new Error(`stored ${stored.bytes} bytes of a ${input.file.size}-byte upload`);
    outcome = await withTenant(db, scope, async (tx) => {
      const inserted = await query<GenotypeUploadView>(
        tx,
        `INSERT INTO genotype_uploads AS u (id, customer_id, uploader_id, original_file_name, byte_size, sha256, blob_key,
           format, panel_id, idempotency_key, updated_at)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8::"GenotypeFileFormat", $9::uuid, $10, now())
         ON CONFLICT DO NOTHING
         RETURNING ${UPLOAD_COLUMNS}`,
        [
          id,
          input.customerId,
          input.uploaderId,
          cleanFileName(input.file.name),
          stored.bytes,
          stored.sha256,
          key,
          format,
          input.panelId,
          input.idempotencyKey ?? null,
        ],
      );
      if (inserted[0]) {
        await onCreated(tx, inserted[0]);
        return { upload: inserted[0], created: true };
      }
      // The same bytes (or key) for this customer exist already, possibly committed by a concurrent
      // call a moment ago (ON CONFLICT waited for it): answer with that upload.
      const earlier = await uploadWhere(
        tx,
        `u.customer_id = $1::uuid AND (u.sha256 = $2 OR ($3::text IS NOT NULL AND u.idempotency_key = $3))`,
        [input.customerId, stored.sha256, input.idempotencyKey ?? null],
      );
      if (!earlier) throw new Error("upload conflict without an earlier upload");
      return { upload: earlier, created: false };
    });
  } catch (error) {
    await store.delete(key).catch(() => {});
    throw error;
  }
  // A duplicate keeps nothing new: its blob goes, after the transaction (no blob I/O inside one).
  if (!outcome.created) await store.delete(key);
  return outcome;
}

export async function getUpload(tx: Tx, id: string): Promise<GenotypeUploadView> {
  const upload = await uploadWhere(tx, `u.id = $1::uuid`, [id]);
  if (!upload) throw new AppError("NOT_FOUND", "Upload not found");
  return upload;
}

/** The newest uploads the caller's scope sees (optionally one customer's), newest first. */
export function listUploads(tx: Tx, input: { customerId?: string | undefined; limit: number }) {
  return query<GenotypeUploadView>(
    tx,
    `SELECT ${UPLOAD_COLUMNS} FROM genotype_uploads u
     WHERE ($1::uuid IS NULL OR u.customer_id = $1::uuid)
     ORDER BY u.created_at DESC, u.id DESC LIMIT $2`,
    [input.customerId ?? null, input.limit],
  );
}

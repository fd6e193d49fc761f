// The genotype-read-ahead job: parses an upload while its body is still arriving, so a plate is
// stored moments after its last byte instead of a whole parse later.
//
// The streaming upload route chooses the upload's id before it reads the body, spools the body in
// place (FileBlobStore.spool) and enqueues this job (jobId = that id) first. The job follows the
// spool into the parse thread (spool-follow.ts); once the file is whole and the upload has been
// recorded under that id with the size it parsed, it runs the ingest with that parse
// (ingestWithProgress). Everything else ends it with nothing written: the spool gone (refused,
// repeated or abandoned upload), the row never recorded, a file the library refuses. The
// genotype-ingest job (jobId = upload id, enqueued when the row commits) stays the one that always
// finishes an upload: it waits while this job is active (jobs.ts), then finds the upload completed,
// or does the work itself and reports the errors. Only the filesystem blob store the spool moves
// into has a read-ahead (a spool cannot be followed on S3, nor from another machine's disk).
import { setTimeout as delay } from "node:timers/promises";
import { withTenant, type PrismaClient } from "@reprotech/db";
import { GenotypeFormatError } from "@reprotech/genomics";
import { query } from "../animals/sql";
import { SpoolAbandoned, type FileBlobStore } from "./blob-store";
import type { IngestOutcome } from "./ingest";
import { parseInThread } from "./parse-thread";
import { ingestWithProgress, progressReporter, type ProgressDeps } from "./progress";
import { sniffGenotypeFormat, type GenotypeFileFormat } from "./sniff";

export interface ReadAheadPayload {
  uploadId: string;
  customerId: string;
  panelId: string;
  /** The spool's key in the filesystem blob store. */
  spoolKey: string;
}

export interface ReadAheadTiming {
  /** How long the spool may stop growing before it is given up (a server that died mid-body). */
  idleMs: number;
  /** How long to wait, once the file is whole, for the upload's row to be committed. */
  recordWaitMs: number;
}

export const READ_AHEAD_TIMING: ReadAheadTiming = { idleMs: 60_000, recordWaitMs: 30_000 };

/**
 * The bytes the format is told from. The route's sniff reads 4 MB (SNIFF_BYTES) to check the panel
 * too; the format shows in the first lines, and waiting for 4 MB would hold a small file's parse
 * back to its end. (A format told otherwise than the route's ends the job: see below.)
 */
const FORMAT_HEAD_BYTES = 64 * 1024;

/** How often the recorded upload is looked for. */
const RECORD_POLL_MS = 5;

export type ReadAheadOutcome = IngestOutcome | { status: "not-read"; reason: string };

interface RecordedUpload {
  status: string;
  byteSize: number;
  format: GenotypeFileFormat;
  panelId: string;
}

export async function readAheadUpload(
  db: PrismaClient,
  store: FileBlobStore,
  payload: ReadAheadPayload,
  deps: ProgressDeps,
  timing: ReadAheadTiming = READ_AHEAD_TIMING,
): Promise<ReadAheadOutcome> {
  const notRead = (reason: string): ReadAheadOutcome => ({ status: "not-read", reason });
  const spool = await store.follow(payload.spoolKey, { idleMs: timing.idleMs });
  if (!spool) return notRead("the spool was gone: the upload had arrived already, or was refused");
  const scope = { customerIds: [payload.customerId], userId: null };
  try {
    const head = await spool.head(FORMAT_HEAD_BYTES);
    let format: GenotypeFileFormat;
    try {
      format = sniffGenotypeFormat(head.bytes, head.whole);
    } catch {
      return notRead("not a genotype file: the upload is refused"); // with its message, by the route
    }
    const [panel] = await withTenant(db, scope, (tx) =>
      query<{ markerMap: Uint8Array }>(tx, `SELECT marker_map AS "markerMap" FROM snp_panels WHERE id = $1::uuid`, [
        payload.panelId,
      ]),
    );
    if (!panel) return notRead("no such panel: the upload is refused");
    // Reading progress on the upload's channel (of the bytes arrived so far): nobody can follow it
    // before the upload is answered, and by then the spool is whole.
    const reporter = progressReporter(deps, {
      uploadId: payload.uploadId,
      customerId: payload.customerId,
      phase: "reading",
      bytesRead: 0,
      totalBytes: 0,
      samplesDone: 0,
      sampleCount: null,
      matchedCount: null,
      storedCount: null,
      errorMessage: null,
    });
    const onBytesRead = (bytesRead: number) =>
      void spool
        .size()
        .then((totalBytes) => reporter.reportProgress({ bytesRead, totalBytes }))
        .catch(() => {});
    const parsed = await parseInThread({ format, markerMap: panel.markerMap }, spool, { onBytesRead });
    if (!spool.ended) return notRead("the parser stopped before the end of the file");

    // The route records the upload right after the spool moved into place; a deleted file means
    // it was refused or repeated an earlier upload, and will never be recorded.
    const deadline = Date.now() + timing.recordWaitMs;
    let recorded: RecordedUpload | undefined;
    while (!recorded && (await spool.linked()) && Date.now() < deadline) {
      [recorded] = await withTenant(db, scope, (tx) =>
        query<RecordedUpload>(
          tx,
          `SELECT status::text AS status, byte_size::float8 AS "byteSize", format::text AS format,
                  panel_id::text AS "panelId"
           FROM genotype_uploads WHERE id = $1::uuid AND customer_id = $2::uuid`,
          [payload.uploadId, payload.customerId],
        ),
      );
      if (!recorded) await delay(RECORD_POLL_MS);
    }
    if (!recorded) return notRead("the upload was not recorded");
    if (recorded.byteSize !== spool.position || recorded.format !== format || recorded.panelId !== payload.panelId)
      return notRead("the recorded upload is not the file that was read");
    if (recorded.status !== "queued") return notRead(`the upload is ${recorded.status} already`);
    return await ingestWithProgress(
      db,
      store,
      { uploadId: payload.uploadId, customerId: payload.customerId },
      deps,
      parsed,
    );
  } catch (error) {
    // The genotype-ingest job reads the stored file again and reports what is wrong with it.
    if (error instanceof SpoolAbandoned || error instanceof GenotypeFormatError) return notRead(error.message);
    throw error;
  } finally {
    await spool.close();
  }
}

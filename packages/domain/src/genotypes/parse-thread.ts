// Parses a stored genotype file in a worker thread, so a 96-sample × 60K-SNP plate (≈150 MB of text)
// never blocks the job process's event loop (BullMQ lock renewal, progress publishing, other jobs).
// The main thread streams the blob — from whichever BlobStore the process has — to the thread in
// ~1 MB transferred buffers with at most WINDOW bytes unconsumed, so memory stays bounded whatever
// the file's size; the thread acknowledges what the parser consumed (reported as bytes read) and
// hands back the packed matrix as a transferred ArrayBuffer. From TypeScript source the thread runs
// parse-worker.ts through tsx; in a bundled app the `genotype-parse.worker` bundle beside main.js.
import { Worker } from "node:worker_threads";
import { GenotypeFormatError, threadEntry } from "@reprotech/genomics";
import type { ParsedUpload } from "./parse";
import { PARSE_WORKER_BUNDLE, type FromParser, type ParseThreadInit, type ToParser } from "./parse-protocol";

/** Bytes per message to the thread (small chunks of the source are gathered up to this). */
const CHUNK_BYTES = 1 << 20;
/** Bytes sent but not yet consumed by the parser. */
const WINDOW_BYTES = 4 * CHUNK_BYTES;

/** Rebuilds the library's error so callers tell a bad file from a failure as they would in-thread. */
function formatError(f: NonNullable<Extract<FromParser, { type: "error" }>["format"]>): GenotypeFormatError {
  const error = new GenotypeFormatError(f.code, f.message);
  Object.defineProperty(error, "line", { value: f.line });
  return error;
}

export interface ParseInThreadOptions {
  /** Called with the bytes the parser has consumed so far (non-decreasing). */
  onBytesRead?: (bytesRead: number) => void;
}

export async function parseInThread(
  init: ParseThreadInit,
  source: AsyncIterable<Uint8Array>,
  options: ParseInThreadOptions = {},
): Promise<ParsedUpload> {
  const entry = threadEntry(new URL("./parse-worker.ts", import.meta.url), PARSE_WORKER_BUNDLE);
  const worker = new Worker(entry.url, { execArgv: entry.execArgv, workerData: init });
  let consumed = 0;
  let sent = 0;
  let settled = false;
  let credit: (() => void) | undefined;
  const result = new Promise<ParsedUpload>((resolve, reject) => {
    const fail = (error: Error) => {
      settled = true;
      credit?.();
      reject(error);
    };
    worker.on("message", (message: FromParser) => {
      if (message.type === "consumed") {
        consumed += message.bytes;
        options.onBytesRead?.(consumed);
        credit?.();
      } else if (message.type === "done") {
        settled = true;
        credit?.();
        const { sampleIds, notes, nSamples, nSnps } = message;
        resolve({ sampleIds, notes, genotypes: { nSamples, nSnps, data: new Uint8Array(message.data) } });
      } else
        fail(message.format ? formatError(message.format) : new Error(`genotype parse thread: ${message.message}`));
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!settled) fail(new Error(`genotype parse thread exited with code ${code}`));
    });
  });
  result.catch(() => {}); // observed below; avoids an unhandled rejection while feeding

  const post = (message: ToParser, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const flush = async (parts: Uint8Array[], size: number) => {
    const buffer = new ArrayBuffer(size);
    const view = new Uint8Array(buffer);
    let at = 0;
    for (const p of parts) {
      view.set(p, at);
      at += p.byteLength;
    }
    while (!settled && sent - consumed >= WINDOW_BYTES) await new Promise<void>((resolve) => (credit = resolve));
    credit = undefined;
    if (settled) return;
    sent += size;
    post({ type: "chunk", buffer }, [buffer]);
  };
  try {
    let parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of source) {
      if (settled) break; // the parser gave up (bad file): stop reading the blob
      parts.push(chunk);
      size += chunk.byteLength;
      if (size >= CHUNK_BYTES) {
        await flush(parts, size);
        parts = [];
        size = 0;
      }
    }
    if (!settled && size > 0) await flush(parts, size);
    if (!settled) post({ type: "end" });
    return await result;
  } finally {
    await worker.terminate();
  }
}

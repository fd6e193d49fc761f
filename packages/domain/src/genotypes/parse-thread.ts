// Parses a stored genotype file in a worker thread, so a 96-sample × 60K-SNP plate (≈150 MB of text)
// never blocks the job process's event loop (BullMQ lock renewal, progress publishing, other jobs).
// The main thread streams the blob — from whichever BlobStore the process has — to the thread through
// POOL buffers of CHUNK_BYTES that travel back and forth (transferred): memory stays bounded and
// allocation-free whatever the file's size (a file on local disk is read straight into them; a
// stream's own chunks are copied in); each buffer handed back counts as bytes read, and the
// packed matrix comes back as a transferred ArrayBuffer. From TypeScript source the thread runs
// parse-worker.ts through tsx; in a bundled app the `genotype-parse.worker` bundle beside main.js.
//
// Threads are kept for the next parse (up to IDLE_THREADS, while their heap stays small): starting
// one and decoding a 60K-SNP panel in it cost ~0.25 s, several times the parse of a one-animal file,
// and on a plate's critical path (the read-ahead parses as fast as the upload arrives). So the
// worker starts one before its first job (prestartParseThread), and the last one is kept for good.
// A thread that failed or was left mid-file is terminated, never reused.
import { Worker } from "node:worker_threads";
import { GenotypeFormatError, threadEntry } from "@reprotech/genomics";
import type { BlobReader } from "./blob-store";
import type { ParsedUpload } from "./parse";
import { PARSE_WORKER_BUNDLE, type FromParser, type ParseThreadInit, type ToParser } from "./parse-protocol";

/** Bytes per message to the thread (the source's small chunks are gathered up to this). */
const CHUNK_BYTES = 1 << 20;
/** Buffers in circulation: at most this many chunks are sent and not yet consumed. */
const POOL = 4;
/** Idle threads kept. */
const IDLE_THREADS = 1;
/**
 * A thread whose heap has grown past this after a parse is ended rather than kept: V8 lets a
 * long-lived thread's garbage grow its heap by ~200 MB before collecting it, and after a large file
 * the heap is large anyway. (No hard heap limit instead: a big panel or file must never run a
 * thread out of memory.) Starting a new one every few dozen small files costs little.
 */
const KEEP_HEAP_BYTES = 64 << 20;

const idle: Worker[] = [];
let started = 0;

/** Threads started by this process so far, and idle now (for tests and the curious). */
export function parseThreadStats(): { started: number; idle: number } {
  return { started, idle: idle.length };
}

function acquireThread(): Worker {
  const kept = idle.pop();
  if (kept) {
    kept.ref();
    return kept;
  }
  const entry = threadEntry(new URL("./parse-worker.ts", import.meta.url), PARSE_WORKER_BUNDLE);
  started++;
  const worker = new Worker(entry.url, { execArgv: entry.execArgv });
  // For the thread's whole life, parse or not: a kept thread that dies is never handed out, and an
  // 'error' without a listener would take the process down.
  worker.once("exit", () => forget(worker));
  worker.on("error", () => {
    forget(worker);
    void worker.terminate();
  });
  return worker;
}

function forget(worker: Worker): void {
  const at = idle.indexOf(worker);
  if (at >= 0) idle.splice(at, 1);
}

/** Keeps a thread that finished a parse cleanly for the next one; it never holds the process open. */
function releaseThread(worker: Worker): void {
  if (idle.length >= IDLE_THREADS) return void worker.terminate();
  worker.unref();
  idle.push(worker);
}

/** Starts a thread to keep idle when there is none, so the next parse does not wait for one. */
export function prestartParseThread(): void {
  if (idle.length === 0) releaseThread(acquireThread());
}

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

/** The blob as a file read into the caller's buffers (FileBlobStore.openReader) rather than a stream. */
const isBlobReader = (source: AsyncIterable<Uint8Array> | BlobReader): source is BlobReader =>
  typeof (source as BlobReader).read === "function" && !(Symbol.asyncIterator in source);

export async function parseInThread(
  init: ParseThreadInit,
  source: AsyncIterable<Uint8Array> | BlobReader,
  options: ParseInThreadOptions = {},
): Promise<ParsedUpload> {
  const worker = acquireThread();
  let consumed = 0;
  let settled = false;
  let keep = false;
  const free: ArrayBuffer[] = [];
  let allocated = 0;
  let credit: (() => void) | undefined;
  let onMessage: (message: FromParser) => void = () => {};
  let onError: (error: Error) => void = () => {};
  let onExit: (code: number) => void = () => {};
  const result = new Promise<ParsedUpload>((resolve, reject) => {
    const fail = (error: Error) => {
      settled = true;
      credit?.();
      reject(error);
    };
    onMessage = (message) => {
      if (message.type === "consumed") {
        consumed += message.bytes;
        free.push(message.buffer);
        options.onBytesRead?.(consumed);
        credit?.();
      } else if (message.type === "done") {
        settled = true;
        keep = message.heapBytes < KEEP_HEAP_BYTES;
        credit?.();
        const { sampleIds, notes, nSamples, nSnps } = message;
        resolve({ sampleIds, notes, genotypes: { nSamples, nSnps, data: new Uint8Array(message.data) } });
      } else
        fail(message.format ? formatError(message.format) : new Error(`genotype parse thread: ${message.message}`));
    };
    onError = fail;
    onExit = (code) => {
      if (!settled) fail(new Error(`genotype parse thread exited with code ${code}`));
    };
  });
  result.catch(() => {}); // observed below; avoids an unhandled rejection while feeding
  worker.on("message", onMessage).on("error", onError).on("exit", onExit);

  const post = (message: ToParser, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  /** A free buffer of the pool; waits for the thread to hand one back when all are out. */
  const take = async (): Promise<ArrayBuffer | undefined> => {
    while (!settled && free.length === 0 && allocated >= POOL) await new Promise<void>((resolve) => (credit = resolve));
    credit = undefined;
    if (settled) return undefined;
    if (free.length > 0) return free.pop();
    allocated++;
    return new ArrayBuffer(CHUNK_BYTES);
  };
  try {
    post({ type: "start", init });
    if (isBlobReader(source)) {
      // Read straight into the pool's buffers: no chunk is allocated, so no garbage piles up.
      for (let buffer = await take(); buffer; buffer = await take()) {
        let fill = 0;
        for (let n = 1; n > 0 && fill < CHUNK_BYTES; fill += n) n = await source.read(new Uint8Array(buffer, fill));
        if (fill > 0) post({ type: "chunk", buffer, length: fill }, [buffer]);
        if (fill < CHUNK_BYTES) break; // end of the blob
      }
      if (!settled) post({ type: "end" });
      return await result;
    }
    let buffer = await take();
    let fill = 0;
    read: for await (const chunk of source) {
      for (let at = 0; at < chunk.byteLength;) {
        if (!buffer) break read; // the parser gave up (bad file): stop reading the blob
        const n = Math.min(chunk.byteLength - at, CHUNK_BYTES - fill);
        new Uint8Array(buffer, fill, n).set(chunk.subarray(at, at + n));
        fill += n;
        at += n;
        if (fill === CHUNK_BYTES) {
          post({ type: "chunk", buffer, length: fill }, [buffer]);
          buffer = await take();
          fill = 0;
        }
      }
    }
    if (buffer && fill > 0) post({ type: "chunk", buffer, length: fill }, [buffer]);
    if (!settled) post({ type: "end" });
    return await result;
  } finally {
    worker.off("message", onMessage).off("error", onError).off("exit", onExit);
    // Only a thread that answered `done` has read its whole file: anything else goes.
    if (keep) releaseThread(worker);
    else await worker.terminate();
  }
}

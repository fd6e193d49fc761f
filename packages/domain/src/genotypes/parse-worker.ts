// Worker-thread entry of the genotype parse (see parse-thread.ts for the main-thread side). Bundled
// apps ship it as its own entry (tsup.app.ts, PARSE_WORKER_BUNDLE); it imports only the pure parse
// code, never the database or the cache.
import { parentPort, workerData } from "node:worker_threads";
import { GenotypeFormatError } from "@reprotech/genomics";
import { decodeMarkerMap } from "./panel-codec";
import { parseGenotypeFile } from "./parse";
import type { FromParser, ParseThreadInit, ToParser } from "./parse-protocol";

if (!parentPort) throw new Error("parse-worker must run in a worker thread");
const port = parentPort;
const init = workerData as ParseThreadInit;

const pending: Uint8Array[] = [];
let ended = false;
let wake: (() => void) | undefined;
port.on("message", (message: ToParser) => {
  if (message.type === "chunk") pending.push(new Uint8Array(message.buffer, 0, message.length));
  else ended = true;
  wake?.();
});

const send = (message: FromParser, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/**
 * The chunks as the main thread sends them. Every reader copies a chunk into its line buffer before
 * it asks for the next, so at that point the chunk's buffer goes back to the main thread for reuse.
 */
async function* chunks(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = pending.shift();
    if (chunk) {
      yield chunk;
      send({ type: "consumed", bytes: chunk.byteLength, buffer: chunk.buffer as ArrayBuffer }, [
        chunk.buffer as ArrayBuffer,
      ]);
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
}

try {
  const parsed = await parseGenotypeFile(init.format, chunks(), decodeMarkerMap(init.markerMap));
  const { data, nSamples, nSnps } = parsed.genotypes;
  // Transfer an exact buffer (the reader's matrix may be a view into a larger one).
  const exact =
    data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer
      ? data.buffer
      : data.slice().buffer;
  send({ type: "done", sampleIds: parsed.sampleIds, notes: parsed.notes, nSamples, nSnps, data: exact }, [exact]);
} catch (error) {
  send(
    error instanceof GenotypeFormatError
      ? {
          type: "error",
          format: { code: error.code, message: error.message, line: error.line },
          message: error.message,
        }
      : { type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
  );
}

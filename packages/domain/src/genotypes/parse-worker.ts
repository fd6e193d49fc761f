// Worker-thread entry of the genotype parse (see parse-thread.ts for the main-thread side). Bundled
// apps ship it as its own entry (tsup.app.ts, PARSE_WORKER_BUNDLE); it imports only the pure parse
// code, never the database or the cache. The thread parses one file per `start` message and then
// waits for the next; decoded panels are kept, since decoding a 60K-SNP map costs more than parsing
// a one-animal file.
import { createHash } from "node:crypto";
import { getHeapSpaceStatistics } from "node:v8";
import { parentPort } from "node:worker_threads";
import { GenotypeFormatError, type SnpPanel } from "@reprotech/genomics";
import { decodeMarkerMap } from "./panel-codec";
import { parseGenotypeFile } from "./parse";
import type { FromParser, ParseThreadInit, ToParser } from "./parse-protocol";

if (!parentPort) throw new Error("parse-worker must run in a worker thread");
const port = parentPort;

/**
 * Decoded panels by the SHA-256 of their stored marker map (hashing it costs ~1 ms, decoding it
 * ~0.15 s); a worker meets few panels, so two is plenty.
 */
const panels = new Map<string, SnpPanel>();
const PANELS_KEPT = 2;

function panelOf(markerMap: Uint8Array): SnpPanel {
  const key = createHash("sha256").update(markerMap).digest("hex");
  const cached = panels.get(key);
  if (cached) return cached;
  const panel = decodeMarkerMap(markerMap);
  if (panels.size >= PANELS_KEPT) panels.delete(panels.keys().next().value!);
  panels.set(key, panel);
  return panel;
}

/** The file being parsed: chunks received and not yet read, and whether the last one came. */
interface Job {
  pending: Uint8Array[];
  ended: boolean;
  wake?: (() => void) | undefined;
}
let job: Job | undefined;

const send = (message: FromParser, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/**
 * The chunks as the main thread sends them. Every reader copies a chunk into its line buffer before
 * it asks for the next, so at that point the chunk's buffer goes back to the main thread for reuse.
 */
async function* chunks(current: Job): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = current.pending.shift();
    if (chunk) {
      yield chunk;
      send({ type: "consumed", bytes: chunk.byteLength, buffer: chunk.buffer as ArrayBuffer }, [
        chunk.buffer as ArrayBuffer,
      ]);
      continue;
    }
    if (current.ended) return;
    await new Promise<void>((resolve) => (current.wake = resolve));
    current.wake = undefined;
  }
}

async function parse(init: ParseThreadInit, current: Job): Promise<void> {
  try {
    const parsed = await parseGenotypeFile(init.format, chunks(current), panelOf(init.markerMap));
    const { data, nSamples, nSnps } = parsed.genotypes;
    // Transfer an exact buffer (the reader's matrix may be a view into a larger one).
    const exact =
      data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer
        ? data.buffer
        : data.slice().buffer;
    // The old generation, which is what garbage grows (the young one is sized by the flags).
    const heapBytes = getHeapSpaceStatistics()
      .filter((space) => !space.space_name.startsWith("new_"))
      .reduce((sum, space) => sum + space.space_size, 0);
    send({ type: "done", sampleIds: parsed.sampleIds, notes: parsed.notes, nSamples, nSnps, data: exact, heapBytes }, [
      exact,
    ]);
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
}

port.on("message", (message: ToParser) => {
  if (message.type === "start") {
    job = { pending: [], ended: false };
    void parse(message.init, job);
    return;
  }
  if (!job) return;
  if (message.type === "chunk") job.pending.push(new Uint8Array(message.buffer, 0, message.length));
  else job.ended = true;
  job.wake?.();
});

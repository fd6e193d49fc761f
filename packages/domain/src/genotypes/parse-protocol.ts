// Messages between the ingest (main thread) and a genotype-parse worker thread. A thread parses one
// file at a time and is kept for the next (parse-thread.ts): each parse begins with `start`. The main
// thread streams the file in a few fixed buffers that go back and forth (transferred, never copied
// by postMessage): the thread hands each one back once the parser has consumed it (that is the
// job's "bytes read"), so no more than the pool is ever in flight and no garbage buffers pile up.
// The answer is the packed matrix as a transferred ArrayBuffer — or the reader's error.
import type { GenotypeFormatErrorCode } from "@reprotech/genomics";
import type { GenotypeFileFormat } from "./sniff";

/** What one parse needs. */
export interface ParseThreadInit {
  format: GenotypeFileFormat;
  /** snp_panels.marker_map as stored (panel-codec.ts): decoded in the thread. */
  markerMap: Uint8Array;
}

/** A chunk is the first `length` bytes of `buffer`. */
export type ToParser =
  { type: "start"; init: ParseThreadInit } | { type: "chunk"; buffer: ArrayBuffer; length: number } | { type: "end" };

export type FromParser =
  | { type: "consumed"; bytes: number; buffer: ArrayBuffer }
  | {
      type: "done";
      sampleIds: string[];
      notes?: string[];
      nSamples: number;
      nSnps: number;
      data: ArrayBuffer;
      /** The thread's old generation after the parse: a thread grown large is not kept (parse-thread.ts). */
      heapBytes: number;
    }
  | {
      type: "error";
      /** Set when the library rejected the file (GenotypeFormatError); otherwise an unexpected failure. */
      format?: { code: GenotypeFormatErrorCode; message: string; line: number | undefined };
      message: string;
    };

/** The tsup entry name of parse-worker.ts in an app bundle (tsup.app.ts). */
export const PARSE_WORKER_BUNDLE = "genotype-parse.worker";

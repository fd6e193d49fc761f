// Messages between the ingest (main thread) and the genotype-parse worker thread. The main thread
// streams the stored file as transferred ArrayBuffers (never more than a small window unconsumed);
// the thread acknowledges each chunk once the parser has consumed it (that is the job's "bytes
// read"), and answers with the packed matrix as a transferred ArrayBuffer — or the reader's error.
import type { GenotypeFormatErrorCode } from "@reprotech/genomics";
import type { GenotypeFileFormat } from "./sniff";

/** workerData of the thread. */
export interface ParseThreadInit {
  format: GenotypeFileFormat;
  /** snp_panels.marker_map as stored (panel-codec.ts): decoded in the thread. */
  markerMap: Uint8Array;
}

export type ToParser = { type: "chunk"; buffer: ArrayBuffer } | { type: "end" };

export type FromParser =
  | { type: "consumed"; bytes: number }
  | { type: "done"; sampleIds: string[]; notes?: string[]; nSamples: number; nSnps: number; data: ArrayBuffer }
  | {
      type: "error";
      /** Set when the library rejected the file (GenotypeFormatError); otherwise an unexpected failure. */
      format?: { code: GenotypeFormatErrorCode; message: string; line: number | undefined };
      message: string;
    };

/** The tsup entry name of parse-worker.ts in an app bundle (tsup.app.ts). */
export const PARSE_WORKER_BUNDLE = "genotype-parse.worker";

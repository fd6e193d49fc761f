// Messages between the kernel pool and its worker threads. Buffers are SharedArrayBuffers.
interface Base {
  readonly id: number;
  readonly nSamples: number;
  readonly nSnps: number;
  /** Packed genotypes, sample-major. */
  readonly genotypes: SharedArrayBuffer;
  /** Allele frequencies (Float64). */
  readonly p: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
}

export interface GrmRowsRequest extends Base {
  readonly kind: "grm-rows";
  /** SNP indices used (Int32). */
  readonly snps: SharedArrayBuffer;
  readonly tileRowStart: number;
  readonly tileRowEnd: number;
}

export interface ScoreSegmentsRequest extends Base {
  readonly kind: "score-segments";
  readonly effects: SharedArrayBuffer[];
  /** Column segments [segStart, segEnd) of score.ts: segment s's n x k sums at s x n x k in `out`. */
  readonly segStart: number;
  readonly segEnd: number;
}

export interface SummaryRowsRequest extends Omit<Base, "p"> {
  readonly kind: "summary-rows";
  readonly rowStart: number;
  readonly rowEnd: number;
  /** Uint32: this part's hom0, het, hom2, missing per SNP (4 x nSnps, at partOffset). */
  readonly partOffset: number;
  /** Uint32: per-sample missing and het counts (2 x nSamples). */
  readonly samples: SharedArrayBuffer;
}

export type KernelRequest = GrmRowsRequest | ScoreSegmentsRequest | SummaryRowsRequest;
export type KernelRequestBody =
  Omit<GrmRowsRequest, "id"> | Omit<ScoreSegmentsRequest, "id"> | Omit<SummaryRowsRequest, "id">;

export type KernelResponse =
  { readonly id: number; readonly ok: true } | { readonly id: number; readonly ok: false; readonly error: string };

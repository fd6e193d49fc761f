// The two bars of a genotype upload as numbers: the transfer (request body bytes sent, from the
// XMLHttpRequest's upload events) and the processing (the ingest job's phase, bytes read and samples
// done, from the genotypes.uploads.progress subscription). Kept free of React so it is unit-tested.

export type ProcessingPhase = "queued" | "reading" | "storing" | "completed" | "failed";

export interface ProcessingState {
  phase: ProcessingPhase;
  bytesRead: number;
  totalBytes: number;
  samplesDone: number;
  sampleCount: number | null;
}

/**
 * Reading the file is most of the job's time (parse + QC per sample happen as it streams), so it
 * fills the bar up to here; storing the genotypes and parentage checks fill the rest.
 */
export const READING_SHARE = 80;

const clampPercent = (x: number) => Math.max(0, Math.min(100, Math.floor(x)));

/** Percent of the request body sent; 0 while the browser cannot tell the size. */
export function transferPercent(loaded: number, total: number): number {
  if (!(total > 0)) return 0;
  return clampPercent((loaded / total) * 100);
}

/**
 * Percent of the processing done. Never 100 before the job says completed (a file read to its end
 * still has its genotypes to store); a failed job's bar stays where it stopped.
 */
export function processingPercent(state: ProcessingState): number {
  switch (state.phase) {
    case "queued":
      return 0;
    case "completed":
      return 100;
    case "reading":
    case "failed": {
      const read = state.totalBytes > 0 ? state.bytesRead / state.totalBytes : 0;
      return Math.min(READING_SHARE, clampPercent(read * READING_SHARE));
    }
    case "storing": {
      const stored = state.sampleCount ? state.samplesDone / state.sampleCount : 0;
      return Math.min(99, clampPercent(READING_SHARE + stored * (100 - READING_SHARE)));
    }
  }
}

/** "1.5 MB": sizes as a lab reads them (decimal units, like the file manager shows). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The line under the processing bar. */
export function processingCaption(state: ProcessingState): string {
  switch (state.phase) {
    case "queued":
      return "Queued: waiting for a worker…";
    case "reading":
      return `Reading the file: ${formatBytes(state.bytesRead)} of ${formatBytes(state.totalBytes)}`;
    case "storing":
      return state.sampleCount
        ? `Storing genotypes: ${state.samplesDone} of ${state.sampleCount} samples`
        : "Storing genotypes and checking parentage…";
    case "completed":
      return `Completed: ${state.samplesDone} samples processed`;
    case "failed":
      return "Failed";
  }
}

export { createReprotechClient, type ReprotechClient, type ReprotechClientOptions } from "./client";
export type { AppRouter, RouterInputs, RouterOutputs } from "@reprotech/api";
export {
  followUploadProgress,
  GenotypeUploadError,
  uploadGenotypeFile,
  type GenotypeUploadOptions,
  type GenotypeUploadResult,
  type UploadProgressEvent,
} from "./upload";
export {
  exportGenotypes,
  GenotypeExportError,
  type GenotypeExportInput,
  type GenotypeExportOptions,
} from "./genotype-export";
export { downloadGenomicReport, downloadRankingCsv, GbvDownloadError, type SavedDownload } from "./gbv";

// How the genotype pipeline's codes read on screen (uploads, per-sample outcomes, QC and parentage).
import type { GenotypeEntry, GenotypeUpload, SampleResult } from "../../trpc";

export const UPLOAD_STATUS: Record<GenotypeUpload["status"], { label: string; color: string }> = {
  queued: { label: "Queued", color: "gray" },
  processing: { label: "Processing", color: "blue" },
  completed: { label: "Completed", color: "teal" },
  failed: { label: "Failed", color: "red" },
};

export const OUTCOME: Record<SampleResult["outcome"], { label: string; color: string }> = {
  stored: { label: "Stored", color: "teal" },
  unmatched: { label: "Unmatched", color: "orange" },
  qc_failed: { label: "QC failed", color: "red" },
  error: { label: "Error", color: "red" },
};

export const QC_STATUS: Record<GenotypeEntry["qcStatus"], { label: string; color: string }> = {
  pass: { label: "Pass", color: "teal" },
  warn: { label: "Warning", color: "yellow" },
  fail: { label: "Fail", color: "red" },
};

type Verdict = NonNullable<SampleResult["sireStatus"]>;

export const VERDICT: Record<Verdict, { label: string; color: string }> = {
  verified: { label: "verified", color: "teal" },
  doubtful: { label: "doubtful", color: "yellow" },
  excluded: { label: "excluded", color: "red" },
  insufficient: { label: "too few SNPs", color: "gray" },
  untested: { label: "untested", color: "gray" },
};

export const FORMAT_LABEL: Record<GenotypeUpload["format"], string> = {
  final_report: "FinalReport",
  vcf: "VCF",
  ped: "PLINK .ped",
};

/** "98.7 %": call rates and heterozygosity as fractions of 1. */
export function formatRate(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? "—" : `${(x * 100).toFixed(digits)} %`;
}

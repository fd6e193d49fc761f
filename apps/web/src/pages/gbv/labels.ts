// How model statuses and sources read on screen.
import type { ModelSummary, TrainingEvent } from "./types";

export const MODEL_STATUS: Record<ModelSummary["status"], { label: string; color: string }> = {
  training: { label: "Training", color: "blue" },
  draft: { label: "Draft", color: "gray" },
  published: { label: "Published", color: "teal" },
  retired: { label: "Retired", color: "dark" },
  failed: { label: "Failed", color: "red" },
};

export const MODEL_SOURCE: Record<ModelSummary["source"], string> = {
  imported: "Imported effects",
  trained: "Trained here",
};

/** The training bar: share of the run's steps done (0–100; a finished run is 100). */
export function trainingPercent(e: Pick<TrainingEvent, "phase" | "step" | "totalSteps">): number {
  if (e.phase === "completed" || e.phase === "failed") return 100;
  if (e.totalSteps <= 1) return 0;
  return Math.min(99, Math.max(0, Math.round((e.step / (e.totalSteps - 1)) * 100)));
}

export function trainingCaption(e: TrainingEvent): string {
  switch (e.phase) {
    case "queued":
      return "Waiting for a worker…";
    case "loading":
      return "Loading phenotypes and genotypes…";
    case "cross-validation":
      return `Cross-validation: fold ${e.fold ?? "?"} of ${e.folds}${e.records ? ` (${e.records} records)` : ""}`;
    case "training":
      return "Fitting SNP-BLUP on every record…";
    case "storing":
      return `Storing the model (${e.iterations ?? "?"} iterations)…`;
    case "completed":
      return `Finished: ${e.records ?? "?"} records, ${e.iterations ?? "?"} iterations.`;
    case "failed":
      return "Training failed.";
  }
}

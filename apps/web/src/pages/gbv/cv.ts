// A trained model's cross-validation report as the detail page reads it. The API types the JSON
// column as unknown (it is written by the training job, domain gbv/training.ts CrossValidationReport),
// so it is checked here instead of trusted: an older or partial report shows what it has.
import { z } from "zod";

const foldSchema = z.object({
  fold: z.number(),
  nTraining: z.number(),
  nValidation: z.number(),
  correlation: z.number(),
  slope: z.number(),
  iterations: z.number(),
  converged: z.boolean(),
});

export const crossValidationSchema = z.object({
  folds: z.number(),
  correlation: z.number(),
  slope: z.number(),
  meanFoldCorrelation: z.number().optional(),
  perFold: z.array(foldSchema).default([]),
  pairs: z.array(z.object({ officialId: z.string(), predicted: z.number(), observed: z.number() })).default([]),
});
export type CrossValidation = z.infer<typeof crossValidationSchema>;

export function parseCrossValidation(json: unknown): CrossValidation | null {
  const parsed = crossValidationSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Training facts worth showing (heritability used, convergence), from the model's training JSON. */
export function trainingFacts(json: unknown): { label: string; value: string }[] {
  if (!json || typeof json !== "object") return [];
  const t = json as Record<string, unknown>;
  const facts: { label: string; value: string }[] = [];
  const num = (k: string, label: string, digits: number) => {
    if (typeof t[k] === "number") facts.push({ label, value: (t[k] as number).toFixed(digits) });
  };
  num("heritability", "Heritability", 2);
  num("nTraining", "Records used", 0);
  num("snpsInModel", "SNPs in the model", 0);
  num("iterations", "Iterations", 0);
  if (typeof t.converged === "boolean") facts.push({ label: "Converged", value: t.converged ? "yes" : "no" });
  if (typeof t.relativeResidual === "number")
    facts.push({ label: "Relative residual", value: (t.relativeResidual as number).toExponential(2) });
  num("totalSeconds", "Run time (s)", 1);
  return facts;
}

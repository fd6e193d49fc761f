// What the genotype procedures answer with.
import { z } from "zod";

export const snpPanelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  version: z.string(),
  markerCount: z.number().int(),
  sourceFormat: z.enum(["manifest", "bim", "map"]),
  sourceSha256: z.string(),
  createdAt: z.string(),
});
export type SnpPanelView = z.infer<typeof snpPanelSchema>;

export const genotypeUploadSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  uploaderId: z.uuid().nullable(),
  originalFileName: z.string(),
  byteSize: z.number().int(),
  sha256: z.string(),
  format: z.enum(["final_report", "vcf", "ped"]),
  panelId: z.uuid(),
  status: z.enum(["queued", "processing", "completed", "failed"]),
  errorMessage: z.string().nullable(),
  sampleCount: z.number().int().nullable(),
  matchedCount: z.number().int().nullable(),
  storedCount: z.number().int().nullable(),
  idempotencyKey: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type GenotypeUploadView = z.infer<typeof genotypeUploadSchema>;

export const uploadResultSchema = z.object({
  upload: genotypeUploadSchema,
  /** False when the same file (or idempotency key) was uploaded before: the earlier upload is returned. */
  created: z.boolean(),
});

export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x7e]+$/, "idempotencyKey must be printable ASCII without spaces");

export const panelNameSchema = z.string().trim().min(1).max(100);
export const panelVersionSchema = z.string().trim().min(1).max(40);

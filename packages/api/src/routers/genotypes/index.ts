// genotypes.*: the SNP-panel catalogue and raw genotype uploads.
// - genotypes.panels.list (genotypes.read) / genotypes.panels.register (genotypes.panels.manage,
//   multipart FormData { name, version, file }: an Illumina manifest CSV, a PLINK .bim or .map).
// - genotypes.upload (genotypes.upload, multipart FormData { customerId, file, panelId,
//   idempotencyKey? }): the file is streamed to the blob store while hashed, recorded as a queued
//   upload, and a `genotype-ingest` job (jobId = upload id) is enqueued after COMMIT. The same bytes
//   or the same idempotency key for a customer answer with the earlier upload. Size is capped
//   before the body is read (GENOTYPE_UPLOAD_MAX_MB, apps/server/src/animal-transfer.ts).
// - genotypes.uploads.list / genotypes.uploads.get (genotypes.read): what the caller's scope sees.
// - genotypes.uploads.progress (genotypes.read): SSE subscription to an upload's processing (progress.ts).
// - genotypes.forAnimal, genotypes.uploads.samples (genotypes.read; queries.ts) and
//   genotypes.uploads.assignSample (genotypes.upload; samples.ts).
import { genotypeIngestQueue } from "@reprotech/cache";
import { bulls, genotypes } from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { uploadProgress } from "./progress";
import { forAnimal, uploadSamples } from "./queries";
import { assignSample } from "./samples";
import { genotypeExportDownload } from "./export";

/** FormData → one value per named field (a field given twice is refused rather than guessed). */
function formFields(keys: readonly string[], what: string) {
  return z.instanceof(FormData, { error: `Send multipart/form-data with ${what}` }).transform((form, ctx) => {
    const out: Record<string, File | string> = {};
    for (const key of keys) {
      const all = form.getAll(key);
      if (all.length > 1) ctx.addIssue({ code: "custom", path: [key], message: `${key} given ${all.length} times` });
      if (all[0] !== undefined) out[key] = all[0];
    }
    return out;
  });
}

export const uploadFormInput = formFields(
  ["customerId", "file", "panelId", "idempotencyKey"],
  "customerId, file, panelId and optionally idempotencyKey",
).pipe(
  z.object({
    customerId: z.uuid(),
    file: z.file({ error: "Attach the genotype file as the form field `file`" }),
    panelId: z.uuid({ error: "panelId must be the id of a registered SNP panel" }),
    idempotencyKey: z
      .string()
      .optional()
      .transform((v) => (v?.trim() ? v : undefined))
      .pipe(genotypes.idempotencyKeySchema.optional()),
  }),
);

export const panelFormInput = formFields(["name", "version", "file"], "name, version and file").pipe(
  z.object({
    name: genotypes.panelNameSchema,
    version: genotypes.panelVersionSchema,
    file: z.file({ error: "Attach the manifest CSV, .bim or .map file as the form field `file`" }),
  }),
);

const panelsRouter = router({
  list: tenantProcedure("genotypes.read")
    .output(z.array(genotypes.snpPanelSchema))
    .query(({ ctx }) => genotypes.listPanels(ctx.db)),

  register: tenantProcedure("genotypes.panels.manage")
    .input(panelFormInput)
    .output(genotypes.snpPanelSchema)
    .mutation(async ({ ctx, input }) => {
      const bytes = new Uint8Array(await input.file.arrayBuffer());
      // Catalogue rows belong to no customer: the insert and its audit record run in the '*' scope.
      return bulls.asCatalogueWriter(ctx.db, async () => {
        const panel = await genotypes.registerPanel(ctx.db, {
          name: input.name,
          version: input.version,
          source: { name: input.file.name, bytes },
        });
        await ctx.audit({
          customerId: null,
          targetType: "snp_panel",
          targetId: panel.id,
          after: { ...panel, file: input.file.name },
        });
        return panel;
      });
    }),
});

const uploadsRouter = router({
  list: tenantProcedure("genotypes.read")
    .input(z.object({ customerId: z.uuid().optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(genotypes.genotypeUploadSchema))
    .query(({ ctx, input }) => genotypes.listUploads(ctx.db, input)),

  get: tenantProcedure("genotypes.read")
    .input(z.object({ uploadId: z.uuid() }))
    .output(genotypes.genotypeUploadSchema)
    .query(({ ctx, input }) => genotypes.getUpload(ctx.db, input.uploadId)),

  progress: uploadProgress,
  samples: uploadSamples,
  assignSample,
});

export const genotypesRouter = router({
  panels: panelsRouter,
  uploads: uploadsRouter,
  forAnimal,
  export: router({ download: genotypeExportDownload }),

  upload: tenantProcedure("genotypes.upload")
    .input(uploadFormInput)
    .output(genotypes.uploadResultSchema)
    .mutation(async ({ ctx, input }) => {
      const store = genotypes.blobStoreFromConfig(ctx.config);
      const result = await genotypes.createUpload(ctx.db, store, {
        customerId: input.customerId,
        uploaderId: ctx.principal.userId,
        file: input.file,
        panelId: input.panelId,
        idempotencyKey: input.idempotencyKey,
      });
      if (result.created) {
        const { upload } = result;
        await ctx.audit({
          targetType: "genotype_upload",
          targetId: upload.id,
          detail: `genotype upload ${upload.originalFileName} (${upload.format}, ${upload.byteSize} bytes)`,
          after: upload,
        });
        // Enqueued only once the row is committed, so the worker always finds it. jobId = upload id:
        // a retried enqueue never makes a second job.
        ctx.afterCommit(async () => {
          await ctx.runtime.queues.add(
            genotypeIngestQueue,
            { uploadId: upload.id, customerId: upload.customerId },
            { jobId: upload.id },
          );
        });
      }
      return result;
    }),
});

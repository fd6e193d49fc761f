// genotypes.*: the SNP-panel catalogue and raw genotype uploads.
// - genotypes.panels.list (genotypes.read) / genotypes.panels.register (genotypes.panels.manage,
//   multipart FormData { name, version, file }: an Illumina manifest CSV, a PLINK .bim or .map).
// - genotypes.upload (genotypes.upload, multipart FormData { customerId, file, panelId,
//   idempotencyKey? }; upload.ts): the file is streamed to the blob store while hashed — outside any
//   transaction — recorded as a queued upload, and a `genotype-ingest` job (jobId = upload id) is
//   enqueued after COMMIT. The same bytes or the same idempotency key for a customer answer with the
//   earlier upload. Size is capped before the body is read (GENOTYPE_UPLOAD_MAX_MB,
//   apps/server/src/animal-transfer.ts).
// - genotypes.uploads.list / genotypes.uploads.get (genotypes.read): what the caller's scope sees.
// - genotypes.uploads.progress (genotypes.read): SSE subscription to an upload's processing (progress.ts).
// - genotypes.forAnimal, genotypes.uploads.samples (genotypes.read; queries.ts) and
//   genotypes.uploads.assignSample (genotypes.upload; samples.ts).
import { bulls, genotypes } from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { uploadProgress } from "./progress";
import { forAnimal, uploadSamples } from "./queries";
import { assignSample } from "./samples";
import { genotypeExportDownload } from "./export";
import { formFields } from "./form";
import { genotypeUpload } from "./upload";

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

  upload: genotypeUpload,
});

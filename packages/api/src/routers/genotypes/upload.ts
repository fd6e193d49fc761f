// genotypes.upload (genotypes.upload, multipart FormData { customerId, file, panelId, idempotencyKey? }):
// the file is streamed to the blob store while hashed, recorded as a queued upload, and a
// `genotype-ingest` job (jobId = upload id) is enqueued after COMMIT. The same bytes or the same
// idempotency key for a customer answer with the earlier upload.
//
// A scopedProcedure, not a tenantProcedure: putting a 2 GB file in the blob store (a disk copy, or a
// network upload to S3) inside the tenant transaction would pin a pool connection and outlive the
// transaction's timeout. The scope checks are tenantProcedure's own; genotypes.createUpload opens two
// short tenant transactions in the customer's scope around the put (see there); the audit record
// commits with the row.
import { genotypeIngestQueue } from "@reprotech/cache";
import { appendAudit } from "@reprotech/db";
import { genotypes } from "@reprotech/domain";
import { z } from "zod";
import { scopedProcedure, who } from "../../trpc";
import { formFields } from "./form";

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

/**
 * What the streaming upload route (POST /api/v1/genotypes/uploads, apps/server) adds to the context:
 * the body it already spooled and measured, so createUpload can move it into place instead of
 * copying it. Only server code sets it; over plain /trpc it is absent and the file is put as usual.
 */
export interface StagedUploadHint {
  stagedUpload?: genotypes.StagedBlob;
}

export const genotypeUpload = scopedProcedure("genotypes.upload")
  .input(uploadFormInput)
  .output(genotypes.uploadResultSchema)
  .mutation(async ({ ctx, input, path }) => {
    const store = genotypes.blobStoreFromConfig(ctx.config);
    const result = await genotypes.createUpload(
      ctx.db,
      ctx.scope,
      store,
      {
        customerId: input.customerId,
        uploaderId: ctx.principal.userId,
        file: input.file,
        panelId: input.panelId,
        idempotencyKey: input.idempotencyKey,
        staged: (ctx as StagedUploadHint).stagedUpload,
      },
      (tx, upload) =>
        appendAudit(tx, {
          ...who(ctx),
          action: path,
          result: "ok",
          customerId: input.customerId,
          targetType: "genotype_upload",
          targetId: upload.id,
          detail: `genotype upload ${upload.originalFileName} (${upload.format}, ${upload.byteSize} bytes)`,
          after: upload,
        }),
    );
    if (result.created) {
      const { upload } = result;
      // Enqueued only once the row is committed (createUpload returned), so the worker always finds
      // it. jobId = upload id: a retried enqueue never makes a second job. The upload is committed:
      // a failed enqueue goes to the log rather than failing the call.
      await ctx.runtime.queues
        .add(genotypeIngestQueue, { uploadId: upload.id, customerId: upload.customerId }, { jobId: upload.id })
        .catch((error: unknown) => ctx.log.error({ err: error, path }, "after-commit work failed"));
    }
    return result;
  });

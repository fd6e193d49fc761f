// genotypes.upload (genotypes.upload, multipart FormData { customerId, file, panelId, idempotencyKey? }):
// the file is streamed to the blob store while hashed, recorded as a queued upload, and a
// `genotype-ingest` job (jobId = upload id) is enqueued after COMMIT. The same bytes or the same
// idempotency key for a customer answer with the earlier upload.
//
// Not a tenantProcedure: putting a 2 GB file in the blob store (a disk copy, or a network upload to
// S3) inside the tenant transaction would pin a pool connection and outlive the transaction's
// timeout. So the checks tenantProcedure makes run here, before the input is parsed and in the same
// order (read-only role → FORBIDDEN, customerId not a UUID → BAD_REQUEST, customer out of reach →
// NOT_FOUND, denials audited), and genotypes.createUpload opens two short tenant transactions in the
// customer's scope around the put (see there); the audit record commits with the row.
import type { Principal } from "@reprotech/auth";
import { genotypeIngestQueue } from "@reprotech/cache";
import { isReadOnly } from "@reprotech/core";
import { appendAudit, withSystem, type AuditEntry } from "@reprotech/db";
import { genotypes } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "../../context";
import { permission, reachableCustomers } from "../../trpc";
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

function who(ctx: Context, principal: Principal): Pick<AuditEntry, "userId" | "apiTokenId" | "ip" | "userAgent"> {
  return {
    userId: principal.userId,
    apiTokenId: principal.apiTokenId ?? null,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
  };
}

/** A refusal is recorded outside the call (nothing of the call is written). */
async function auditDenied(
  ctx: Context,
  principal: Principal,
  path: string,
  detail: string,
  customerId: string | null,
) {
  const farm = customerId ?? principal.tokenCustomerId ?? principal.customerId ?? null;
  await withSystem(ctx.db, (tx) =>
    appendAudit(tx, { ...who(ctx, principal), action: path, result: "denied", detail, customerId: farm }),
  ).catch((error: unknown) => ctx.log.error({ err: error }, "could not audit a denial"));
}

/**
 * What the streaming upload route (POST /api/v1/genotypes/uploads, apps/server) adds to the context:
 * the body it already spooled and measured, so createUpload can move it into place instead of
 * copying it. Only server code sets it; over plain /trpc it is absent and the file is put as usual.
 */
export interface StagedUploadHint {
  stagedUpload?: genotypes.StagedBlob;
}

const customerIdInput = z.object({ customerId: z.uuid().optional() }).loose();

export const genotypeUpload = permission("genotypes.upload")
  // Runs tenant transactions (short ones): researchers, read-only, are refused like on any tenant mutation.
  .meta({ tenant: true })
  .use(async ({ ctx, path, getRawInput, next }) => {
    const principal = ctx.principal as Principal;
    if (isReadOnly(principal.role)) {
      await auditDenied(ctx, principal, path, "read-only role", null);
      throw new TRPCError({ code: "FORBIDDEN", message: "Your role can only read" });
    }
    const raw = await getRawInput();
    // The same reading of customerId as tenantProcedure's (FormData field, else the input's property).
    const fields = raw instanceof FormData ? { customerId: raw.get("customerId") ?? undefined } : raw;
    const parsed = customerIdInput.safeParse(fields ?? {});
    if (!parsed.success)
      throw new TRPCError({ code: "BAD_REQUEST", message: "customerId must be a UUID", cause: parsed.error });
    const requested = parsed.data.customerId;
    if (requested) {
      const reach = await reachableCustomers(ctx, principal);
      if (reach !== "all" && !reach.includes(requested)) {
        await auditDenied(ctx, principal, path, "customer outside the caller's scope", requested);
        throw new TRPCError({ code: "NOT_FOUND", message: "Customer not found" });
      }
    }
    return next({ ctx: { principal } });
  })
  .input(uploadFormInput)
  .output(genotypes.uploadResultSchema)
  .mutation(async ({ ctx, input, path }) => {
    const store = genotypes.blobStoreFromConfig(ctx.config);
    const scope = { customerIds: [input.customerId], userId: ctx.principal.userId };
    const result = await genotypes.createUpload(
      ctx.db,
      scope,
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
          ...who(ctx, ctx.principal),
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

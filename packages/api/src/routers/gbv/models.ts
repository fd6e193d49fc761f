// gbv.models.*: the model catalogue and its lifecycle.
// - list / get (gbv.read): models with provenance (an import's dropped-SNP report), CV results when
//   trained, how reliabilities are computed.
// - import (gbv.models.manage, multipart FormData { traitId, panelId, referenceSize, heritability?,
//   intercept?, description?, file }): published marker effects (CSV/XLSX) aligned to the panel → a
//   draft model; the raw file stored under ml-models/; audited. Answers the dropped-SNP report.
// - publish / retire (gbv.models.manage): draft → published (retiring the trait's published model on
//   the panel) → retired; audited. Publishing enqueues the gbv-score job (jobId = model id) after
//   COMMIT; both make every customer's cached GBV reads stale.
// Writes are catalogue writes (procedures.ts): researchers may publish, customers get FORBIDDEN.
import { gbvScoreQueue } from "@reprotech/cache";
import { gbv, genotypes } from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { catalogueProcedure } from "./procedures";

const tags = ["gbv"];

const FIELDS = ["traitId", "panelId", "referenceSize", "heritability", "intercept", "description", "file"] as const;

/** FormData → the import's fields (a field given twice is refused rather than guessed; blank = absent). */
export const importFormInput = z
  .instanceof(FormData, { error: `Send multipart/form-data with ${FIELDS.join(", ")}` })
  .transform((form, ctx) => {
    const out: Record<string, unknown> = {};
    for (const key of FIELDS) {
      const all = form.getAll(key);
      if (all.length > 1) ctx.addIssue({ code: "custom", path: [key], message: `${key} given ${all.length} times` });
      const v = all[0];
      if (v !== undefined && !(typeof v === "string" && v.trim() === "")) out[key] = v;
    }
    return out;
  })
  .pipe(
    gbv.importEffectsInput.extend({
      file: z.file({ error: "Attach the effects file (CSV or XLSX) as the form field `file`" }),
    }),
  );

const modelIdInput = z.object({ modelId: z.uuid() });

const importResultSchema = z.object({
  modelId: z.uuid(),
  version: z.number().int(),
  report: gbv.importReportSchema,
});

const lifecycleSchema = z.object({
  modelId: z.uuid(),
  version: z.number().int(),
  status: z.enum(["published", "retired"]),
  retiredModelId: z.uuid().nullable(),
});

export const modelsRouter = router({
  list: tenantProcedure("gbv.read")
    .meta({ openapi: { method: "GET", path: "/gbv/models", tags, summary: "GBV models" } })
    .input(gbv.listModelsInput)
    .output(z.array(gbv.modelSummarySchema))
    .query(({ ctx, input }) => gbv.listModels(ctx.db, input)),

  get: tenantProcedure("gbv.read")
    .meta({ openapi: { method: "GET", path: "/gbv/models/{modelId}", tags, summary: "One GBV model" } })
    .input(modelIdInput)
    .output(gbv.modelDetailSchema)
    .query(({ ctx, input }) => gbv.getModel(ctx.db, input.modelId)),

  import: catalogueProcedure("gbv.models.manage")
    .input(importFormInput)
    .output(importResultSchema)
    .mutation(async ({ ctx, input }) => {
      const { file, ...rest } = input;
      const result = await gbv.importEffects(
        ctx.db,
        { blobs: genotypes.blobStoreFromConfig(ctx.config), pool: ctx.pool },
        {
          ...rest,
          file: { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
          userId: ctx.principal.userId,
        },
      );
      await ctx.audit({
        targetType: "gbv_model",
        targetId: result.modelId,
        detail: `imported effects ${file.name} as version ${result.version} (${result.report.used} SNPs used)`,
        after: { ...rest, fileName: file.name, ...result },
      });
      return result;
    }),

  publish: catalogueProcedure("gbv.models.manage")
    .input(modelIdInput)
    .output(lifecycleSchema)
    .mutation(async ({ ctx, input }) => {
      const change = await gbv.publishModel(ctx.db, input.modelId, ctx.principal.userId);
      await ctx.audit({
        targetType: "gbv_model",
        targetId: input.modelId,
        detail: `published version ${change.version}${change.retiredModelId ? `, retiring ${change.retiredModelId}` : ""}`,
        after: change,
      });
      ctx.afterCommit(async () => {
        await gbv.invalidateGbv(ctx.runtime.cache, "all");
        // After COMMIT, so the job finds the model published. jobId = model id: never enqueued twice.
        await ctx.runtime.queues.add(gbvScoreQueue, { modelIds: [input.modelId] }, { jobId: input.modelId });
      });
      return change;
    }),

  retire: catalogueProcedure("gbv.models.manage")
    .input(modelIdInput)
    .output(lifecycleSchema)
    .mutation(async ({ ctx, input }) => {
      const change = await gbv.retireModel(ctx.db, input.modelId);
      await ctx.audit({
        targetType: "gbv_model",
        targetId: input.modelId,
        detail: `retired version ${change.version}`,
        after: change,
      });
      ctx.afterCommit(() => gbv.invalidateGbv(ctx.runtime.cache, "all"));
      return change;
    }),
});

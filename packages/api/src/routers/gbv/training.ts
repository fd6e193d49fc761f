// gbv.training.*: training GBV models in the system (researchers and admins: gbv.train; customer
// users are refused by the permission check).
// - uploadPhenotypes (multipart FormData { file }: CSV or XLSX with animal ID, trait, value, optional
//   contemporary group and other fixed-effect columns): checked whole in the caller's own scope
//   (researchers: consenting farms; an animal outside it is "unknown"), stored as a phenotype set —
//   research data written in the '*' scope with an audit record per farm (domain gbv/phenotypes.ts).
// - start ({ phenotypeSetId, traitCode, panelId, heritability?, folds? }): inserts the model
//   ('training') and enqueues the gbv-train job after COMMIT (jobId = model id).
// - progress ({ modelId }): SSE subscription to the job — the current state first, then the live
//   events (phase, fold, iterations) until completed/failed.
import type { Principal } from "@reprotech/auth";
import { gbvTrainQueue } from "@reprotech/cache";
import { gbv } from "@reprotech/domain";
import { withSystem } from "@reprotech/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "../../context";
import { permission, reachableCustomers, router } from "../../trpc";
import { catalogueProcedure } from "./procedures";

export const phenotypeUploadInput = z
  .instanceof(FormData, { error: "Send multipart/form-data with the phenotype file as the field `file`" })
  .transform((form, ctx) => {
    const files = form.getAll("file");
    if (files.length > 1) ctx.addIssue({ code: "custom", path: ["file"], message: `file given ${files.length} times` });
    return { file: files[0] };
  })
  .pipe(z.object({ file: z.file({ error: "Attach the phenotype CSV or XLSX as the form field `file`" }) }));

export const startTrainingInput = z.object({
  phenotypeSetId: z.uuid(),
  traitCode: gbv.traitCodeSchema,
  panelId: z.uuid(),
  heritability: z.number().gt(0, "Heritability must be above 0").lt(1, "Heritability must be below 1").optional(),
  folds: z.number().int().min(2, "At least 2 folds").max(20, "At most 20 folds").optional(),
});

/**
 * The customers the caller reaches (researchers: the consenting ones). Looked up with the client, not
 * the catalogue procedure's '*' transaction (ctx.db there): the consent list is cached system data.
 */
function callerReach(ctx: Omit<Context, "db"> & { auth: { db: Context["db"] } }, principal: Principal) {
  return reachableCustomers({ ...ctx, db: ctx.auth.db }, principal);
}

const uploadPhenotypes = catalogueProcedure("gbv.train")
  .input(phenotypeUploadInput)
  .mutation(async ({ ctx, input }) => {
    const principal = ctx.principal as Principal;
    const reach = await callerReach(ctx, principal);
    return gbv.inCallerScope(ctx.db, reach, () =>
      gbv.uploadPhenotypes(ctx.db, {
        file: { name: input.file.name, data: input.file },
        uploadedBy: principal.userId,
        audit: (entry) => ctx.audit({ targetType: "gbv_phenotype_set", ...entry }),
      }),
    );
  });

const start = catalogueProcedure("gbv.train")
  .input(startTrainingInput)
  .mutation(async ({ ctx, input }) => {
    const principal = ctx.principal as Principal;
    const reach = await callerReach(ctx, principal);
    const started = await gbv.inCallerScope(ctx.db, reach, () => gbv.startTraining(ctx.db, input, principal.userId));
    await ctx.audit({
      targetType: "gbv_model",
      targetId: started.modelId,
      detail: `training ${input.traitCode} v${started.version} on phenotype set ${input.phenotypeSetId}`,
      after: { ...input, ...started },
    });
    // The job trains on what this caller may see: its scope travels with the job.
    ctx.afterCommit(async () => {
      await ctx.runtime.queues.add(
        gbvTrainQueue,
        { modelId: started.modelId, customerIds: reach },
        { jobId: started.modelId },
      );
    });
    return started;
  });

const progressInput = z.object({ modelId: z.uuid() });

const progress = permission("gbv.train")
  .input(progressInput)
  .subscription(async function* ({ ctx, input, signal }) {
    const queue: gbv.TrainingProgress[] = [];
    let wake: (() => void) | undefined;
    // Subscribed before the current state is read, so no event falls between the two.
    const unsubscribe = await ctx.runtime.pubsub.subscribe(gbv.trainingChannel(input.modelId), (message) => {
      queue.push(message as gbv.TrainingProgress);
      wake?.();
    });
    const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
    try {
      const fromRow = await withSystem(ctx.db, (tx) => gbv.readTrainingState(tx, input.modelId));
      const current = await gbv.currentTrainingProgress(ctx.runtime.cache, fromRow);
      if (!current) throw new TRPCError({ code: "NOT_FOUND", message: "Training not found" });
      yield current;
      let last = current;
      while (!gbv.isFinalTrainingPhase(last.phase) && !signal?.aborted) {
        const event = queue.shift();
        if (!event) {
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
          wake = undefined;
          continue;
        }
        if (!gbv.isTrainingProgress(last, event)) continue;
        last = event;
        yield event;
      }
    } finally {
      await unsubscribe();
    }
  });

export const trainingRouter = router({ uploadPhenotypes, start, progress });

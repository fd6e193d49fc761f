// genotypes.uploads.progress({ customerId, uploadId }) (genotypes.read): an SSE subscription
// (httpSubscriptionLink) to an upload's processing. The customer's scope is checked the way
// tenantProcedure does (out of reach → NOT_FOUND), but no transaction stays open: one short tenant
// transaction reads the current state, then the events come from the upload's tenant channel in
// Redis pub/sub, so the job may run in any worker process. Emits the current state first, then live
// events (bytes read, phase, samples), and ends after completed/failed.
import type { Principal } from "@reprotech/auth";
import { genotypes } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { permission, reachableCustomers } from "../../trpc";

type UploadProgress = genotypes.UploadProgress;

export const uploadProgressInput = z.object({ customerId: z.uuid(), uploadId: z.uuid() });

export const uploadProgress = permission("genotypes.read")
  .input(uploadProgressInput)
  // Before the stream opens: a refused subscription answers with its error, not an empty stream.
  .use(async ({ ctx, input, next }) => {
    const principal = ctx.principal as Principal;
    const { customerId } = input as z.infer<typeof uploadProgressInput>;
    const reach = await reachableCustomers(ctx, principal);
    if (reach !== "all" && !reach.includes(customerId))
      throw new TRPCError({ code: "NOT_FOUND", message: "Upload not found" });
    return next({ ctx: { principal } });
  })
  .subscription(async function* ({ ctx, input, signal }) {
    const queue: UploadProgress[] = [];
    let wake: (() => void) | undefined;
    // Subscribed before the current state is read, so no event falls between the two.
    const unsubscribe = await ctx.runtime.pubsub.subscribe(
      genotypes.progressChannel(input.customerId, input.uploadId),
      (message) => {
        queue.push(message as UploadProgress);
        wake?.();
      },
    );
    const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
    try {
      const current = await genotypes.currentUploadProgress(
        ctx.db,
        ctx.runtime.cache,
        { customerIds: [input.customerId], userId: ctx.principal.userId },
        input.customerId,
        input.uploadId,
      );
      if (!current) throw new TRPCError({ code: "NOT_FOUND", message: "Upload not found" });
      yield current;
      let last = current;
      while (!genotypes.isFinalPhase(last.phase) && !signal?.aborted) {
        const event = queue.shift();
        if (!event) {
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
          wake = undefined;
          continue;
        }
        // Events published before the current state was read may arrive late: only forward ones.
        if (!genotypes.isProgress(last, event)) continue;
        last = event;
        yield event;
      }
    } finally {
      await unsubscribe();
    }
  });

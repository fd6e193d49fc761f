// gbv.indexes.* — selection indexes (packages/domain/src/gbv/selection-index.ts).
// - list (gbv.read): the shared defaults and the farms' own indexes in the caller's scope.
// - save / delete (gbv.read, tenant mutations): a farm's own index, by its customer admin or by staff
//   reaching the farm. Researchers are refused by the ladder (read-only role); a farm's plain users
//   are refused here — the farm's indexes are its admin's, like its users and API tokens. Saved and
//   deleted indexes make the farm's cached GBV reads (index rankings) stale after COMMIT. Audited.
import { gbv } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";

const tags = ["gbv"];

function assertMayManage(role: string): void {
  if (role === "customer_user")
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the farm's admin can change its selection indexes" });
}

export const indexesRouter = router({
  list: tenantProcedure("gbv.read")
    .meta({ openapi: { method: "GET", path: "/gbv/indexes", tags, summary: "Selection indexes" } })
    .input(gbv.listIndexesInput)
    .output(z.array(gbv.selectionIndexSchema))
    .query(({ ctx }) => gbv.listIndexes(ctx.db, ctx.customerIds)),

  save: tenantProcedure("gbv.read")
    .meta({ openapi: { method: "POST", path: "/gbv/indexes", tags, summary: "Save a farm's selection index" } })
    .input(gbv.saveIndexInput)
    .output(gbv.selectionIndexSchema)
    .mutation(async ({ ctx, input }) => {
      assertMayManage(ctx.principal.role);
      const { index, before } = await gbv.saveIndex(ctx.db, input, ctx.principal.userId);
      await ctx.audit({ targetType: "gbv_selection_index", targetId: index.id, before, after: index });
      ctx.afterCommit(() => gbv.invalidateGbv(ctx.runtime.cache, input.customerId));
      return index;
    }),

  delete: tenantProcedure("gbv.read")
    .meta({
      openapi: { method: "DELETE", path: "/gbv/indexes/{indexId}", tags, summary: "Delete a farm's selection index" },
    })
    .input(gbv.deleteIndexInput)
    .output(gbv.selectionIndexSchema)
    .mutation(async ({ ctx, input }) => {
      assertMayManage(ctx.principal.role);
      const deleted = await gbv.deleteIndex(ctx.db, input);
      await ctx.audit({ targetType: "gbv_selection_index", targetId: deleted.id, before: deleted });
      ctx.afterCommit(() => gbv.invalidateGbv(ctx.runtime.cache, input.customerId));
      return deleted;
    }),
});

// The global AI-bull catalogue: everyone with animals.read reads it; internal staff with
// bulls.manage maintain it. Reads are cached in a global namespace; a bull write invalidates it and
// the animal caches of every customer with offspring of the bull (their pedigrees show it).
import {
  animals,
  bullPageSchema,
  bulls,
  bullSchema,
  createBullInput,
  listBullsInput,
  updateBullInput,
} from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { invalidateAfterCommit } from "../animals/invalidate";

const tags = ["bulls"];

export const bullsRouter = router({
  list: tenantProcedure("animals.read")
    .meta({ openapi: { method: "GET", path: "/bulls", tags, summary: "Search the AI-bull catalogue" } })
    .input(listBullsInput)
    .output(bullPageSchema)
    .query(({ ctx, input }) =>
      bulls.cachedBulls(ctx.runtime.cache, animals.readKey("list", input), () => bulls.listBulls(ctx.db, input)),
    ),

  get: tenantProcedure("animals.read")
    .meta({ openapi: { method: "GET", path: "/bulls/{bullId}", tags, summary: "One catalogue bull" } })
    .input(z.object({ bullId: z.uuid() }))
    .output(bullSchema)
    .query(({ ctx, input }) =>
      bulls.cachedBulls(ctx.runtime.cache, `get:${input.bullId}`, () => bulls.getBull(ctx.db, input.bullId)),
    ),

  create: tenantProcedure("bulls.manage")
    .meta({ openapi: { method: "POST", path: "/bulls", tags, summary: "Add a bull to the catalogue" } })
    .input(createBullInput)
    .output(bullSchema)
    .mutation(async ({ ctx, input }) => {
      // Catalogue records belong to no customer: the change and its audit record run in the '*' scope.
      const created = await bulls.asCatalogueWriter(ctx.db, async () => {
        const bull = await bulls.createBull(ctx.db, input);
        await ctx.audit({ customerId: null, targetType: "bull", targetId: bull.id, after: bull });
        return bull;
      });
      invalidateAfterCommit(ctx, [], (cache) => bulls.invalidateBulls(cache));
      return created;
    }),

  update: tenantProcedure("bulls.manage")
    .meta({ openapi: { method: "PATCH", path: "/bulls/{bullId}", tags, summary: "Change a catalogue bull" } })
    .input(updateBullInput)
    .output(bullSchema)
    .mutation(async ({ ctx, input }) => {
      const { after, affectedCustomerIds } = await bulls.asCatalogueWriter(ctx.db, async () => {
        const change = await bulls.updateBull(ctx.db, input);
        await ctx.audit({
          customerId: null,
          targetType: "bull",
          targetId: change.after.id,
          before: change.before,
          after: change.after,
        });
        return change;
      });
      invalidateAfterCommit(ctx, affectedCustomerIds, (cache) => bulls.invalidateBulls(cache));
      return after;
    }),
});

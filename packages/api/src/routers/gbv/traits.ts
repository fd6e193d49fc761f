// gbv.traits.list (gbv.read): the trait catalogue. gbv.traits.add (gbv.traits.manage, admins): a new
// trait, audited; catalogue write in the '*' scope (procedures.ts).
import { gbv } from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { catalogueProcedure } from "./procedures";

const tags = ["gbv"];

export const traitsRouter = router({
  list: tenantProcedure("gbv.read")
    .meta({ openapi: { method: "GET", path: "/gbv/traits", tags, summary: "GBV traits" } })
    .input(z.object({}).optional())
    .output(z.array(gbv.traitSchema))
    .query(({ ctx }) => gbv.listTraits(ctx.db)),

  add: catalogueProcedure("gbv.traits.manage")
    .input(gbv.addTraitInput)
    .output(gbv.traitSchema)
    .mutation(async ({ ctx, input }) => {
      const trait = await gbv.addTrait(ctx.db, input);
      await ctx.audit({ targetType: "gbv_trait", targetId: trait.id, after: trait });
      return trait;
    }),
});

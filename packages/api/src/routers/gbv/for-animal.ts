// gbv.forAnimal (gbv.read): an animal's GBVs for every trait with reliability, percentiles, model
// version and history (cached per customer, see domain gbv/cache.ts). NOT_FOUND outside the caller's scope.
import { gbv } from "@reprotech/domain";
import { tenantProcedure } from "../../trpc";

export const forAnimal = tenantProcedure("gbv.read")
  .meta({
    openapi: { method: "GET", path: "/animals/{animalId}/gbv", tags: ["gbv"], summary: "An animal's GBVs and history" },
  })
  .input(gbv.forAnimalInput)
  .output(gbv.animalGbvSchema)
  .query(({ ctx, input }) => gbv.animalGbv(ctx.db, ctx.runtime.cache, input));

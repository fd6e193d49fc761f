// Animals and pedigrees. Reads need animals.read, writes animals.write; every write is audited with
// before/after and invalidates the customer's cached animal reads (see domain animals/cache.ts).
import { INTERNAL_ROLES } from "@reprotech/core";
import {
  animalDetailSchema,
  animalPageSchema,
  animals,
  animalSchema,
  createAnimalInput,
  listAnimalsInput,
  pedigreeInput,
  pedigreeSchema,
  setAnimalStatusInput,
  updateAnimalInput,
} from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { animalTransferRouters } from "./import";
import { invalidateAfterCommit } from "./invalidate";

const tags = ["animals"];

export const animalsRouter = router({
  ...animalTransferRouters,
  /**
   * Search and filter, keyset-paginated, with the total of the filtered set. Lists of one customer
   * are cached in its namespace; staff searches across customers (rows carry the customer) are not.
   */
  list: tenantProcedure("animals.read")
    .meta({ openapi: { method: "GET", path: "/animals", tags, summary: "List and search animals" } })
    .input(listAnimalsInput)
    .output(animalPageSchema)
    .query(({ ctx, input }) => {
      const scope = ctx.customerIds;
      const internal = ctx.principal.kind !== "apiToken" && INTERNAL_ROLES.includes(ctx.principal.role);
      const includeCustomer = internal && !input.customerId;
      const single = input.customerId ?? (scope !== "all" && scope.length === 1 ? scope[0] : undefined);
      if (single && !includeCustomer) {
        const one = { ...input, customerId: single };
        return animals.cachedAnimals(ctx.runtime.cache, single, animals.readKey("list", one), () =>
          animals.listAnimals(ctx.db, [single], one),
        );
      }
      return animals.listAnimals(ctx.db, scope, input, { includeCustomer });
    }),

  get: tenantProcedure("animals.read")
    .meta({
      openapi: { method: "GET", path: "/animals/{animalId}", tags, summary: "One animal with parents and inbreeding" },
    })
    .input(z.object({ animalId: z.uuid(), customerId: z.uuid().optional() }))
    .output(animalDetailSchema)
    .query(async ({ ctx, input }) => {
      const customerId = await animals.locateAnimal(ctx.db, input.animalId, input.customerId);
      return animals.cachedAnimals(ctx.runtime.cache, customerId, `detail:${input.animalId}`, () =>
        animals.getAnimal(ctx.db, customerId, input.animalId),
      );
    }),

  /** Ancestors to `depth` generations (1–8, default 4), catalogue bulls included as sires. */
  pedigree: tenantProcedure("animals.read")
    .meta({ openapi: { method: "GET", path: "/animals/{animalId}/pedigree", tags, summary: "Ancestors" } })
    .input(pedigreeInput)
    .output(pedigreeSchema)
    .query(async ({ ctx, input }) => {
      const customerId = await animals.locateAnimal(ctx.db, input.animalId, input.customerId);
      return animals.cachedAnimals(ctx.runtime.cache, customerId, `pedigree:${input.animalId}:${input.depth}`, () =>
        animals.ancestors(ctx.db, customerId, input.animalId, input.depth),
      );
    }),

  descendants: tenantProcedure("animals.read")
    .meta({ openapi: { method: "GET", path: "/animals/{animalId}/descendants", tags, summary: "Descendants" } })
    .input(pedigreeInput)
    .output(pedigreeSchema)
    .query(async ({ ctx, input }) => {
      const customerId = await animals.locateAnimal(ctx.db, input.animalId, input.customerId);
      return animals.cachedAnimals(ctx.runtime.cache, customerId, `descendants:${input.animalId}:${input.depth}`, () =>
        animals.descendants(ctx.db, customerId, input.animalId, input.depth),
      );
    }),

  create: tenantProcedure("animals.write")
    .meta({ openapi: { method: "POST", path: "/animals", tags, summary: "Register an animal" } })
    .input(createAnimalInput)
    .output(animalSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await animals.createAnimal(ctx.db, input);
      await ctx.audit({ customerId: created.customerId, targetType: "animal", targetId: created.id, after: created });
      invalidateAfterCommit(ctx, [created.customerId]);
      return created;
    }),

  update: tenantProcedure("animals.write")
    .meta({ openapi: { method: "PATCH", path: "/animals/{animalId}", tags, summary: "Change an animal's record" } })
    .input(updateAnimalInput)
    .output(animalSchema)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await animals.updateAnimal(ctx.db, input);
      await ctx.audit({ customerId: after.customerId, targetType: "animal", targetId: after.id, before, after });
      invalidateAfterCommit(ctx, [after.customerId]);
      return after;
    }),

  /** Sold, dead or culled on a date, or back to active (counts against the quota). */
  setStatus: tenantProcedure("animals.write")
    .meta({ openapi: { method: "POST", path: "/animals/{animalId}/status", tags, summary: "Set an animal's status" } })
    .input(setAnimalStatusInput)
    .output(animalSchema)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await animals.setAnimalStatus(ctx.db, input);
      await ctx.audit({ customerId: after.customerId, targetType: "animal", targetId: after.id, before, after });
      invalidateAfterCommit(ctx, [after.customerId]);
      return after;
    }),
});

// genotypes.uploads.assignSample (genotypes.upload): stores an unmatched sample's genotype for an
// animal of the upload's customer, read again from the stored file (domain genotypes/assign.ts).
// Idempotent; audited when it changes something. After COMMIT: the animals cache (hasGenotype,
// genotype summaries) is invalidated and the new genotype is scored with the published models of its
// panel, like the ingest's (gbv.scoreAssignedGenotypes: predictions, percentiles, the GBV caches), so the
// animal has its GBVs at once rather than at the next publication.
import { animals, gbv, genotypes } from "@reprotech/domain";
import { z } from "zod";
import { tenantProcedure } from "../../trpc";

export const assignSample = tenantProcedure("genotypes.upload")
  .input(genotypes.assignSampleInput)
  .output(z.object({ changed: z.boolean(), sample: genotypes.sampleResultSchema }))
  .mutation(async ({ ctx, input }) => {
    const { currentGenotypeId, ...out } = await genotypes.assignSample(
      ctx.db,
      genotypes.blobStoreFromConfig(ctx.config),
      input,
    );
    if (out.changed) {
      await ctx.audit({
        customerId: input.customerId,
        targetType: "genotype_upload",
        targetId: input.uploadId,
        detail: `sample ${input.sampleId} assigned to animal ${input.animalId}`,
        after: out.sample,
      });
      ctx.afterCommit(() => animals.invalidateAnimals(ctx.runtime.cache, input.customerId));
      // ctx.db is the (finished) transaction; scoring runs its own, on the root client.
      if (currentGenotypeId)
        ctx.afterCommit(async () => {
          await gbv.scoreAssignedGenotypes(
            { db: ctx.auth.db, pool: ctx.pool },
            { customerId: input.customerId, genotypeIds: [currentGenotypeId] },
            { cache: ctx.runtime.cache },
          );
        });
    }
    return out;
  });

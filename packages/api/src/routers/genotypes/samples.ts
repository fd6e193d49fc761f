// genotypes.uploads.assignSample (genotypes.upload): stores an unmatched sample's genotype for an
// animal of the upload's customer, read again from the stored file (domain genotypes/assign.ts).
// Idempotent; audited when it changes something; the animals cache (hasGenotype, genotype
// summaries) is invalidated after COMMIT.
import { animals, genotypes } from "@reprotech/domain";
import { z } from "zod";
import { tenantProcedure } from "../../trpc";

export const assignSample = tenantProcedure("genotypes.upload")
  .input(genotypes.assignSampleInput)
  .output(z.object({ changed: z.boolean(), sample: genotypes.sampleResultSchema }))
  .mutation(async ({ ctx, input }) => {
    const out = await genotypes.assignSample(ctx.db, genotypes.blobStoreFromConfig(ctx.config), input);
    if (out.changed) {
      await ctx.audit({
        customerId: input.customerId,
        targetType: "genotype_upload",
        targetId: input.uploadId,
        detail: `sample ${input.sampleId} assigned to animal ${input.animalId}`,
        after: out.sample,
      });
      ctx.afterCommit(() => animals.invalidateAnimals(ctx.runtime.cache, input.customerId));
    }
    return out;
  });

// genotypes.forAnimal (genotypes.read): an animal's genotype summary — current genotype per panel
// with call rate, heterozygosity, QC and parentage verdicts, and the earlier ones (cached in the
// customer's animals namespace, invalidated by the ingest after it stores genotypes).
// genotypes.uploads.samples (genotypes.read): an upload's per-sample results with parentage.
// Both answer NOT_FOUND for what the caller's scope cannot see.
import { genotypes } from "@reprotech/domain";
import { z } from "zod";
import { tenantProcedure } from "../../trpc";

export const forAnimal = tenantProcedure("genotypes.read")
  .input(z.object({ animalId: z.uuid(), customerId: z.uuid().optional() }))
  .output(genotypes.genotypeSummarySchema)
  .query(({ ctx, input }) => genotypes.genotypeSummary(ctx.db, ctx.runtime.cache, input));

export const uploadSamples = tenantProcedure("genotypes.read")
  .input(z.object({ customerId: z.uuid(), uploadId: z.uuid() }))
  .output(z.array(genotypes.sampleResultSchema))
  .query(({ ctx, input }) => genotypes.uploadSamples(ctx.db, input));

-- Parentage in the genotype ingest: per matched sample, the verdict on its recorded sire and dam
-- (verified, doubtful, excluded, insufficient, or untested: no current genotype on the panel) and the
-- details (conflicts, common SNPs, top-ranked candidates from discovery) as JSON.
ALTER TABLE "genotype_sample_results"
  ADD COLUMN "sire_status" VARCHAR(20),
  ADD COLUMN "dam_status" VARCHAR(20),
  ADD COLUMN "parentage" JSONB;

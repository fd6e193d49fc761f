-- Phenotype records may carry a reference value (a simulated true breeding value, a deregressed
-- proof) that training reports the accuracy of its predictions against (k-fold CV and final fit).

-- AlterTable
ALTER TABLE "gbv_phenotypes" ADD COLUMN     "reference_value" DOUBLE PRECISION;

ALTER TABLE "gbv_phenotypes" ADD CONSTRAINT "gbv_phenotypes_reference_value"
  CHECK ("reference_value" IS NULL OR ("reference_value" = "reference_value" AND "reference_value" NOT IN ('Infinity', '-Infinity')));

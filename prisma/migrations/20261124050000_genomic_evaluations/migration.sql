-- Genomic evaluations: traits and GBV models (a global catalogue), phenotype sets and records used for
-- training, predictions (one row per animal, trait and model; history kept), selection indexes
-- (defaults with no customer, and each farm's own) and stored per-animal genomic reports.
-- Tables and indexes below as Prisma's schema engine diffs prisma/schema/gbv.prisma; the CHECKs,
-- row-level security, grants and the seed's four traits are added by hand after them.

-- CreateEnum
CREATE TYPE "GbvModelStatus" AS ENUM ('training', 'draft', 'published', 'retired', 'failed');

-- CreateEnum
CREATE TYPE "GbvModelSource" AS ENUM ('imported', 'trained');

-- CreateTable
CREATE TABLE "gbv_traits" (
    "id" UUID NOT NULL,
    "code" VARCHAR(50) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "unit" VARCHAR(30) NOT NULL,
    "higher_is_better" BOOLEAN NOT NULL DEFAULT true,
    "default_heritability" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gbv_traits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gbv_models" (
    "id" UUID NOT NULL,
    "trait_id" UUID NOT NULL,
    "panel_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "GbvModelStatus" NOT NULL DEFAULT 'draft',
    "source" "GbvModelSource" NOT NULL,
    "published_slot" VARCHAR(80),
    "description" VARCHAR(500),
    "intercept" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "heritability" DOUBLE PRECISION,
    "snp_count" INTEGER NOT NULL,
    "effects" BYTEA NOT NULL,
    "allele_freqs" BYTEA NOT NULL,
    "reliability" JSONB,
    "cross_validation" JSONB,
    "training" JSONB,
    "training_error" VARCHAR(2000),
    "provenance" JSONB NOT NULL,
    "artefact_key" VARCHAR(300),
    "phenotype_set_id" UUID,
    "created_by" UUID,
    "published_at" TIMESTAMPTZ(3),
    "published_by" UUID,
    "retired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gbv_models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gbv_phenotype_sets" (
    "id" UUID NOT NULL,
    "original_file_name" VARCHAR(255) NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "record_count" INTEGER NOT NULL,
    "uploaded_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gbv_phenotype_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gbv_phenotypes" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "set_id" UUID NOT NULL,
    "animal_id" UUID NOT NULL,
    "trait_id" UUID NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "contemporary_group" VARCHAR(100),
    "fixed_effects" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gbv_phenotypes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gbv_predictions" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "animal_id" UUID NOT NULL,
    "trait_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "genotype_id" UUID NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "reliability" DOUBLE PRECISION NOT NULL,
    "percentile_breed" DOUBLE PRECISION,
    "percentile_customer" DOUBLE PRECISION,
    "is_current" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gbv_predictions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gbv_selection_indexes" (
    "id" UUID NOT NULL,
    "customer_id" UUID,
    "name" VARCHAR(100) NOT NULL,
    "weights" JSONB NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gbv_selection_indexes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gbv_reports" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "animal_id" UUID NOT NULL,
    "inputs_hash" VARCHAR(64) NOT NULL,
    "blob_key" VARCHAR(300) NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gbv_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "gbv_traits_code_key" ON "gbv_traits"("code");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_models_published_slot_key" ON "gbv_models"("published_slot");

-- CreateIndex
CREATE INDEX "gbv_models_panel_id_status_idx" ON "gbv_models"("panel_id", "status");

-- CreateIndex
CREATE INDEX "gbv_models_phenotype_set_id_idx" ON "gbv_models"("phenotype_set_id");

-- CreateIndex
CREATE INDEX "gbv_models_created_by_idx" ON "gbv_models"("created_by");

-- CreateIndex
CREATE INDEX "gbv_models_published_by_idx" ON "gbv_models"("published_by");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_models_trait_id_panel_id_version_key" ON "gbv_models"("trait_id", "panel_id", "version");

-- CreateIndex
CREATE INDEX "gbv_phenotype_sets_uploaded_by_idx" ON "gbv_phenotype_sets"("uploaded_by");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_phenotype_sets_sha256_key" ON "gbv_phenotype_sets"("sha256");

-- CreateIndex
CREATE INDEX "gbv_phenotypes_customer_id_idx" ON "gbv_phenotypes"("customer_id");

-- CreateIndex
CREATE INDEX "gbv_phenotypes_animal_id_idx" ON "gbv_phenotypes"("animal_id");

-- CreateIndex
CREATE INDEX "gbv_phenotypes_trait_id_idx" ON "gbv_phenotypes"("trait_id");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_phenotypes_set_id_animal_id_trait_id_key" ON "gbv_phenotypes"("set_id", "animal_id", "trait_id");

-- CreateIndex
CREATE INDEX "gbv_predictions_customer_id_trait_id_is_current_value_idx" ON "gbv_predictions"("customer_id", "trait_id", "is_current", "value");

-- CreateIndex
CREATE INDEX "gbv_predictions_animal_id_trait_id_is_current_idx" ON "gbv_predictions"("animal_id", "trait_id", "is_current");

-- CreateIndex
CREATE INDEX "gbv_predictions_trait_id_is_current_idx" ON "gbv_predictions"("trait_id", "is_current");

-- CreateIndex
CREATE INDEX "gbv_predictions_genotype_id_idx" ON "gbv_predictions"("genotype_id");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_predictions_model_id_genotype_id_key" ON "gbv_predictions"("model_id", "genotype_id");

-- CreateIndex
CREATE INDEX "gbv_selection_indexes_created_by_idx" ON "gbv_selection_indexes"("created_by");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_selection_indexes_customer_id_name_key" ON "gbv_selection_indexes"("customer_id", "name");

-- CreateIndex
CREATE INDEX "gbv_reports_customer_id_idx" ON "gbv_reports"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "gbv_reports_animal_id_inputs_hash_key" ON "gbv_reports"("animal_id", "inputs_hash");

-- AddForeignKey
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_trait_id_fkey" FOREIGN KEY ("trait_id") REFERENCES "gbv_traits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_panel_id_fkey" FOREIGN KEY ("panel_id") REFERENCES "snp_panels"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_phenotype_set_id_fkey" FOREIGN KEY ("phenotype_set_id") REFERENCES "gbv_phenotype_sets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_published_by_fkey" FOREIGN KEY ("published_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_phenotype_sets" ADD CONSTRAINT "gbv_phenotype_sets_uploaded_by_fkey" FOREIGN KEY ("uploaded_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_phenotypes" ADD CONSTRAINT "gbv_phenotypes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_phenotypes" ADD CONSTRAINT "gbv_phenotypes_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "gbv_phenotype_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_phenotypes" ADD CONSTRAINT "gbv_phenotypes_animal_id_fkey" FOREIGN KEY ("animal_id") REFERENCES "animals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_phenotypes" ADD CONSTRAINT "gbv_phenotypes_trait_id_fkey" FOREIGN KEY ("trait_id") REFERENCES "gbv_traits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_animal_id_fkey" FOREIGN KEY ("animal_id") REFERENCES "animals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_trait_id_fkey" FOREIGN KEY ("trait_id") REFERENCES "gbv_traits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "gbv_models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_genotype_id_fkey" FOREIGN KEY ("genotype_id") REFERENCES "genotypes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_selection_indexes" ADD CONSTRAINT "gbv_selection_indexes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_selection_indexes" ADD CONSTRAINT "gbv_selection_indexes_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_reports" ADD CONSTRAINT "gbv_reports_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gbv_reports" ADD CONSTRAINT "gbv_reports_animal_id_fkey" FOREIGN KEY ("animal_id") REFERENCES "animals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Checks the schema cannot express.
ALTER TABLE "gbv_traits" ADD CONSTRAINT "gbv_traits_code" CHECK ("code" ~ '^[a-z][a-z0-9_]{1,49}$');
ALTER TABLE "gbv_traits" ADD CONSTRAINT "gbv_traits_heritability" CHECK ("default_heritability" > 0 AND "default_heritability" < 1);
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_version" CHECK ("version" > 0);
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_snp_count" CHECK ("snp_count" >= 0);
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_heritability" CHECK ("heritability" IS NULL OR ("heritability" > 0 AND "heritability" < 1));
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_published_slot" CHECK (("status" = 'published') = ("published_slot" IS NOT NULL));
ALTER TABLE "gbv_models" ADD CONSTRAINT "gbv_models_failed_has_error" CHECK (("status" = 'failed') = ("training_error" IS NOT NULL));
ALTER TABLE "gbv_phenotype_sets" ADD CONSTRAINT "gbv_phenotype_sets_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "gbv_phenotypes" ADD CONSTRAINT "gbv_phenotypes_value" CHECK ("value" = "value" AND "value" NOT IN ('Infinity', '-Infinity'));
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_reliability" CHECK ("reliability" >= 0 AND "reliability" <= 1);
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_percentiles" CHECK (("percentile_breed" IS NULL OR "percentile_breed" BETWEEN 0 AND 100) AND ("percentile_customer" IS NULL OR "percentile_customer" BETWEEN 0 AND 100));
ALTER TABLE "gbv_reports" ADD CONSTRAINT "gbv_reports_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$' AND "inputs_hash" ~ '^[0-9a-f]{64}$');
-- At most one current prediction per animal and trait (Prisma cannot declare a partial unique index;
-- the scoring code flips the old row off before inserting the new one in the same transaction).
CREATE UNIQUE INDEX "gbv_predictions_one_current" ON "gbv_predictions" ("animal_id", "trait_id") WHERE "is_current";

-- Row-level security. Traits, models and phenotype sets are catalogue rows: readable by any signed-in
-- scope, written only in the '*' scope (the application checks gbv.models.manage / gbv.train first).
-- Phenotype records, predictions and reports are tenant rows. Selection indexes without a customer are
-- the shared defaults (readable by everyone, written only in '*'); a farm's own follow its tenancy.
ALTER TABLE "gbv_traits" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_traits" FORCE ROW LEVEL SECURITY;
ALTER TABLE "gbv_models" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_models" FORCE ROW LEVEL SECURITY;
ALTER TABLE "gbv_phenotype_sets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_phenotype_sets" FORCE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON "gbv_traits" FOR SELECT USING (coalesce(current_setting('app.customer_ids', true), '') <> '' OR (SELECT app_user_id()) IS NOT NULL);
CREATE POLICY catalogue_insert ON "gbv_traits" FOR INSERT WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_update ON "gbv_traits" FOR UPDATE USING ((SELECT app_scope_all())) WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_delete ON "gbv_traits" FOR DELETE USING ((SELECT app_scope_all()));
CREATE POLICY catalogue_read ON "gbv_models" FOR SELECT USING (coalesce(current_setting('app.customer_ids', true), '') <> '' OR (SELECT app_user_id()) IS NOT NULL);
CREATE POLICY catalogue_insert ON "gbv_models" FOR INSERT WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_update ON "gbv_models" FOR UPDATE USING ((SELECT app_scope_all())) WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_delete ON "gbv_models" FOR DELETE USING ((SELECT app_scope_all()));
CREATE POLICY catalogue_read ON "gbv_phenotype_sets" FOR SELECT USING (coalesce(current_setting('app.customer_ids', true), '') <> '' OR (SELECT app_user_id()) IS NOT NULL);
CREATE POLICY catalogue_insert ON "gbv_phenotype_sets" FOR INSERT WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_update ON "gbv_phenotype_sets" FOR UPDATE USING ((SELECT app_scope_all())) WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_delete ON "gbv_phenotype_sets" FOR DELETE USING ((SELECT app_scope_all()));

ALTER TABLE "gbv_phenotypes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_phenotypes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "gbv_phenotypes"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
ALTER TABLE "gbv_predictions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_predictions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "gbv_predictions"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
ALTER TABLE "gbv_reports" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_reports" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "gbv_reports"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
ALTER TABLE "gbv_selection_indexes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_selection_indexes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_or_shared_read ON "gbv_selection_indexes" FOR SELECT
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[])
    OR ("customer_id" IS NULL AND (coalesce(current_setting('app.customer_ids', true), '') <> '' OR (SELECT app_user_id()) IS NOT NULL)));
CREATE POLICY tenant_write ON "gbv_selection_indexes" FOR INSERT
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
CREATE POLICY tenant_update ON "gbv_selection_indexes" FOR UPDATE
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
CREATE POLICY tenant_delete ON "gbv_selection_indexes" FOR DELETE
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

GRANT SELECT, INSERT, UPDATE, DELETE ON "gbv_traits", "gbv_models", "gbv_phenotype_sets", "gbv_phenotypes",
  "gbv_predictions", "gbv_selection_indexes", "gbv_reports" TO reprotech_app;

-- The seed's four traits (gbv-predictor: milk production, fertility, disease resistance, longevity),
-- with heritabilities typical of national dairy evaluations, and a default index over them.
INSERT INTO "gbv_traits" ("id", "code", "name", "unit", "higher_is_better", "default_heritability") VALUES
  (gen_random_uuid(), 'milk_production', 'Milk production', 'kg milk', true, 0.30),
  (gen_random_uuid(), 'fertility', 'Fertility', '% pregnancy rate', true, 0.04),
  (gen_random_uuid(), 'disease_resistance', 'Disease resistance', '% resistance', true, 0.10),
  (gen_random_uuid(), 'longevity', 'Longevity', 'months', true, 0.08);
INSERT INTO "gbv_selection_indexes" ("id", "customer_id", "name", "weights", "updated_at") VALUES
  (gen_random_uuid(), NULL, 'Balanced dairy index', '{"milk_production": 0.4, "fertility": 0.2, "disease_resistance": 0.2, "longevity": 0.2}', now());

-- Genotyping: the global SNP-panel catalogue, raw genotype uploads, per-sample ingest results and
-- packed genotypes (2 bits per SNP, one row per animal, panel and upload).
-- Generated from prisma/schema/genomics.prisma by Prisma's schema engine (migrate diff), then the
-- constraints Prisma cannot express, row-level security and grants added by hand below.

-- CreateEnum
CREATE TYPE "GenotypeFileFormat" AS ENUM ('final_report', 'vcf', 'ped');

-- CreateEnum
CREATE TYPE "GenotypeUploadStatus" AS ENUM ('queued', 'processing', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "GenotypeSampleOutcome" AS ENUM ('stored', 'unmatched', 'qc_failed', 'error');

-- CreateEnum
CREATE TYPE "GenotypeQcStatus" AS ENUM ('pass', 'warn', 'fail');

-- CreateTable
CREATE TABLE "snp_panels" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "version" VARCHAR(40) NOT NULL,
    "marker_count" INTEGER NOT NULL,
    "marker_map" BYTEA NOT NULL,
    "source_sha256" VARCHAR(64) NOT NULL,
    "source_format" VARCHAR(20) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snp_panels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "genotype_uploads" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "uploader_id" UUID,
    "original_file_name" VARCHAR(255) NOT NULL,
    "byte_size" BIGINT NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "blob_key" VARCHAR(300) NOT NULL,
    "format" "GenotypeFileFormat" NOT NULL,
    "panel_id" UUID NOT NULL,
    "status" "GenotypeUploadStatus" NOT NULL DEFAULT 'queued',
    "error_message" VARCHAR(2000),
    "sample_count" INTEGER,
    "matched_count" INTEGER,
    "stored_count" INTEGER,
    "idempotency_key" VARCHAR(100),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "genotype_uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "genotype_sample_results" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "upload_id" UUID NOT NULL,
    "sample_id" VARCHAR(100) NOT NULL,
    "animal_id" UUID,
    "outcome" "GenotypeSampleOutcome" NOT NULL,
    "call_rate" DOUBLE PRECISION,
    "heterozygosity" DOUBLE PRECISION,
    "messages" VARCHAR(500)[] DEFAULT ARRAY[]::VARCHAR(500)[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "genotype_sample_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "genotypes" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "animal_id" UUID NOT NULL,
    "panel_id" UUID NOT NULL,
    "upload_id" UUID NOT NULL,
    "packed" BYTEA NOT NULL,
    "call_rate" DOUBLE PRECISION NOT NULL,
    "heterozygosity" DOUBLE PRECISION NOT NULL,
    "qc_status" "GenotypeQcStatus" NOT NULL,
    "is_current" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "genotypes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "snp_panels_name_version_key" ON "snp_panels"("name", "version");

-- CreateIndex
CREATE INDEX "genotype_uploads_customer_id_created_at_idx" ON "genotype_uploads"("customer_id", "created_at");

-- CreateIndex
CREATE INDEX "genotype_uploads_panel_id_idx" ON "genotype_uploads"("panel_id");

-- CreateIndex
CREATE INDEX "genotype_uploads_uploader_id_idx" ON "genotype_uploads"("uploader_id");

-- CreateIndex
CREATE UNIQUE INDEX "genotype_uploads_customer_id_sha256_key" ON "genotype_uploads"("customer_id", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "genotype_uploads_customer_id_idempotency_key_key" ON "genotype_uploads"("customer_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "genotype_sample_results_customer_id_idx" ON "genotype_sample_results"("customer_id");

-- CreateIndex
CREATE INDEX "genotype_sample_results_animal_id_idx" ON "genotype_sample_results"("animal_id");

-- CreateIndex
CREATE UNIQUE INDEX "genotype_sample_results_upload_id_sample_id_key" ON "genotype_sample_results"("upload_id", "sample_id");

-- CreateIndex
CREATE INDEX "genotypes_customer_id_idx" ON "genotypes"("customer_id");

-- CreateIndex
CREATE INDEX "genotypes_animal_id_panel_id_idx" ON "genotypes"("animal_id", "panel_id");

-- CreateIndex
CREATE INDEX "genotypes_panel_id_idx" ON "genotypes"("panel_id");

-- CreateIndex
CREATE UNIQUE INDEX "genotypes_upload_id_animal_id_key" ON "genotypes"("upload_id", "animal_id");

-- AddForeignKey
ALTER TABLE "genotype_uploads" ADD CONSTRAINT "genotype_uploads_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotype_uploads" ADD CONSTRAINT "genotype_uploads_uploader_id_fkey" FOREIGN KEY ("uploader_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotype_uploads" ADD CONSTRAINT "genotype_uploads_panel_id_fkey" FOREIGN KEY ("panel_id") REFERENCES "snp_panels"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotype_sample_results" ADD CONSTRAINT "genotype_sample_results_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotype_sample_results" ADD CONSTRAINT "genotype_sample_results_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "genotype_uploads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotype_sample_results" ADD CONSTRAINT "genotype_sample_results_animal_id_fkey" FOREIGN KEY ("animal_id") REFERENCES "animals"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotypes" ADD CONSTRAINT "genotypes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotypes" ADD CONSTRAINT "genotypes_animal_id_fkey" FOREIGN KEY ("animal_id") REFERENCES "animals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotypes" ADD CONSTRAINT "genotypes_panel_id_fkey" FOREIGN KEY ("panel_id") REFERENCES "snp_panels"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "genotypes" ADD CONSTRAINT "genotypes_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "genotype_uploads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Constraints Prisma cannot express.
ALTER TABLE "snp_panels" ADD CONSTRAINT "snp_panels_marker_count" CHECK ("marker_count" > 0);
ALTER TABLE "snp_panels" ADD CONSTRAINT "snp_panels_source_sha256" CHECK ("source_sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "genotype_uploads" ADD CONSTRAINT "genotype_uploads_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "genotype_uploads" ADD CONSTRAINT "genotype_uploads_byte_size" CHECK ("byte_size" > 0);
ALTER TABLE "genotype_uploads" ADD CONSTRAINT "genotype_uploads_failed_has_message" CHECK (("status" = 'failed') = ("error_message" IS NOT NULL));
ALTER TABLE "genotypes" ADD CONSTRAINT "genotypes_call_rate" CHECK ("call_rate" >= 0 AND "call_rate" <= 1);
ALTER TABLE "genotypes" ADD CONSTRAINT "genotypes_heterozygosity" CHECK ("heterozygosity" >= 0 AND "heterozygosity" <= 1);

-- Row-level security: uploads, sample results and genotypes are tenant rows; the panel catalogue is
-- readable by everyone and writable only in the '*' scope (internal staff, through a
-- permission-checked procedure), like the bull catalogue.
ALTER TABLE "genotype_uploads" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "genotype_uploads" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "genotype_uploads"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

ALTER TABLE "genotype_sample_results" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "genotype_sample_results" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "genotype_sample_results"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

ALTER TABLE "genotypes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "genotypes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "genotypes"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

ALTER TABLE "snp_panels" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "snp_panels" FORCE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON "snp_panels" FOR SELECT USING (coalesce(current_setting('app.customer_ids', true), '') <> '' OR (SELECT app_user_id()) IS NOT NULL);
CREATE POLICY catalogue_insert ON "snp_panels" FOR INSERT WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_update ON "snp_panels" FOR UPDATE USING ((SELECT app_scope_all())) WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_delete ON "snp_panels" FOR DELETE USING ((SELECT app_scope_all()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "snp_panels", "genotype_uploads", "genotype_sample_results", "genotypes" TO reprotech_app;

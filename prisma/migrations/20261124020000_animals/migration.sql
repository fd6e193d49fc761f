-- Animals and pedigrees, and the global AI-bull catalogue.
-- Generated from prisma/schema/animals.prisma by Prisma's schema engine (migrate diff), then the
-- constraints Prisma cannot express, row-level security and grants added by hand below.

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('female', 'male');

-- CreateEnum
CREATE TYPE "AnimalStatus" AS ENUM ('active', 'sold', 'dead', 'culled');

-- CreateTable
CREATE TABLE "animals" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "official_id" VARCHAR(19) NOT NULL,
    "herd_tag" VARCHAR(20),
    "name" VARCHAR(100),
    "breed" VARCHAR(2) NOT NULL,
    "sex" "Sex" NOT NULL,
    "birth_date" DATE NOT NULL,
    "status" "AnimalStatus" NOT NULL DEFAULT 'active',
    "status_date" DATE,
    "sire_id" UUID,
    "sire_bull_id" UUID,
    "dam_id" UUID,
    "recipient_dam_id" UUID,
    "notes" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "animals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulls" (
    "id" UUID NOT NULL,
    "naab_code" VARCHAR(12) NOT NULL,
    "sexed_naab_code" VARCHAR(12),
    "registration_number" VARCHAR(19) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "breed" VARCHAR(2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "bulls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "animals_customer_id_herd_tag_idx" ON "animals"("customer_id", "herd_tag");

-- CreateIndex
CREATE INDEX "animals_customer_id_name_idx" ON "animals"("customer_id", "name");

-- CreateIndex
CREATE INDEX "animals_customer_id_birth_date_idx" ON "animals"("customer_id", "birth_date");

-- CreateIndex
CREATE INDEX "animals_customer_id_status_idx" ON "animals"("customer_id", "status");

-- CreateIndex
CREATE INDEX "animals_sire_id_idx" ON "animals"("sire_id");

-- CreateIndex
CREATE INDEX "animals_sire_bull_id_idx" ON "animals"("sire_bull_id");

-- CreateIndex
CREATE INDEX "animals_dam_id_idx" ON "animals"("dam_id");

-- CreateIndex
CREATE INDEX "animals_recipient_dam_id_idx" ON "animals"("recipient_dam_id");

-- CreateIndex
CREATE UNIQUE INDEX "animals_customer_id_official_id_key" ON "animals"("customer_id", "official_id");

-- CreateIndex
CREATE UNIQUE INDEX "bulls_naab_code_key" ON "bulls"("naab_code");

-- CreateIndex
CREATE UNIQUE INDEX "bulls_sexed_naab_code_key" ON "bulls"("sexed_naab_code");

-- CreateIndex
CREATE UNIQUE INDEX "bulls_registration_number_key" ON "bulls"("registration_number");

-- AddForeignKey
ALTER TABLE "animals" ADD CONSTRAINT "animals_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "animals" ADD CONSTRAINT "animals_sire_id_fkey" FOREIGN KEY ("sire_id") REFERENCES "animals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "animals" ADD CONSTRAINT "animals_sire_bull_id_fkey" FOREIGN KEY ("sire_bull_id") REFERENCES "bulls"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "animals" ADD CONSTRAINT "animals_dam_id_fkey" FOREIGN KEY ("dam_id") REFERENCES "animals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "animals" ADD CONSTRAINT "animals_recipient_dam_id_fkey" FOREIGN KEY ("recipient_dam_id") REFERENCES "animals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Constraints Prisma cannot express.
ALTER TABLE "animals" ADD CONSTRAINT "animals_official_id_format" CHECK ("official_id" ~ '^([A-Z]{2}[0-9]{3}[0-9]{12}|[A-Z]{3}[A-Z]{3}[MF][0-9A-Z]{12})$');
ALTER TABLE "animals" ADD CONSTRAINT "animals_breed_code" CHECK ("breed" ~ '^[A-Z]{2}$');
ALTER TABLE "animals" ADD CONSTRAINT "animals_one_sire" CHECK ("sire_id" IS NULL OR "sire_bull_id" IS NULL);
ALTER TABLE "animals" ADD CONSTRAINT "animals_not_own_parent" CHECK ("id" <> "sire_id" AND "id" <> "dam_id" AND "id" <> "recipient_dam_id");
ALTER TABLE "animals" ADD CONSTRAINT "animals_status_date" CHECK (("status" = 'active') = ("status_date" IS NULL));
ALTER TABLE "bulls" ADD CONSTRAINT "bulls_breed_code" CHECK ("breed" ~ '^[A-Z]{2}$');
ALTER TABLE "bulls" ADD CONSTRAINT "bulls_naab_format" CHECK ("naab_code" ~ '^[0-9]{1,3}[A-Z]{2}[0-9]{1,5}$');
ALTER TABLE "bulls" ADD CONSTRAINT "bulls_sexed_naab_format" CHECK ("sexed_naab_code" IS NULL OR "sexed_naab_code" ~ '^[0-9]{1,3}[A-Z]{2}[0-9]{1,5}$');

-- Row-level security: animals are tenant rows; the bull catalogue is readable by everyone and
-- writable only in the '*' scope (internal staff, through a permission-checked procedure).
ALTER TABLE "animals" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "animals" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "animals"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

ALTER TABLE "bulls" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "bulls" FORCE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON "bulls" FOR SELECT USING (coalesce(current_setting('app.customer_ids', true), '') <> '' OR (SELECT app_user_id()) IS NOT NULL);
CREATE POLICY catalogue_insert ON "bulls" FOR INSERT WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_update ON "bulls" FOR UPDATE USING ((SELECT app_scope_all())) WITH CHECK ((SELECT app_scope_all()));
CREATE POLICY catalogue_delete ON "bulls" FOR DELETE USING ((SELECT app_scope_all()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "animals", "bulls" TO reprotech_app;

-- The application role: owns nothing, cannot bypass row-level security. Roles are cluster-wide,
-- so create it only once; every database then grants it its own privileges.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reprotech_app') THEN
    CREATE ROLE reprotech_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO reprotech_app;
-- /readyz compares the migration history with the files on disk.
GRANT SELECT ON "_prisma_migrations" TO reprotech_app;

-- CreateEnum
CREATE TYPE "SubscriptionTier" AS ENUM ('basic', 'professional', 'enterprise');

-- CreateEnum
CREATE TYPE "CustomerStatus" AS ENUM ('active', 'suspended');

-- CreateTable
CREATE TABLE "customers" (
    "id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "tier" "SubscriptionTier" NOT NULL DEFAULT 'basic',
    "max_animals" INTEGER NOT NULL DEFAULT 1000,
    "research_consent" BOOLEAN NOT NULL DEFAULT false,
    "status" "CustomerStatus" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_name_key" ON "customers"("name");

GRANT SELECT, INSERT, UPDATE, DELETE ON "customers" TO reprotech_app;

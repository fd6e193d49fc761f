-- Identity, tenancy and audit.
--
-- Row-level security: every tenant table is ENABLE + FORCE ROW LEVEL SECURITY with policies that read
-- the transaction-local settings the application sets first thing in every transaction:
--   app.customer_ids  comma-separated customer UUIDs the call may touch, or '*' for all (admins, system)
--   app.user_id       the acting user's UUID
-- With neither set, every policy is false and a query sees nothing. `(select current_setting(...))` is
-- evaluated once per statement (an InitPlan), not once per row.

-- The customer ids in scope, or NULL when the scope is '*' (all). STABLE + SQL so the planner inlines it.
CREATE FUNCTION app_scope_all() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.customer_ids', true), '') = '*'
$$;
CREATE FUNCTION app_scope_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN coalesce(current_setting('app.customer_ids', true), '') IN ('', '*') THEN '{}'::uuid[]
    ELSE string_to_array(current_setting('app.customer_ids', true), ',')::uuid[]
  END
$$;
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;
GRANT EXECUTE ON FUNCTION app_scope_all(), app_scope_ids(), app_user_id() TO reprotech_app;

-- customers: a tenant sees its own row.
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "customers"
  USING ((SELECT app_scope_all()) OR "id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "id" = ANY ((SELECT app_scope_ids())::uuid[]));

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('super_admin', 'admin', 'veterinarian', 'technician', 'researcher', 'customer_admin', 'customer_user');

-- CreateEnum
CREATE TYPE "UserStatus" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "AuditResult" AS ENUM ('ok', 'denied', 'error');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "display_name" VARCHAR(120) NOT NULL,
    "role" "Role" NOT NULL,
    "customer_id" UUID,
    "status" "UserStatus" NOT NULL DEFAULT 'active',
    "password_hash" VARCHAR(255),
    "password_changed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_email_lower" CHECK ("email" = lower("email")),
    CONSTRAINT "users_customer_matches_role" CHECK (("role" IN ('customer_admin', 'customer_user')) = ("customer_id" IS NOT NULL))
);

-- CreateTable
CREATE TABLE "customer_assignments" (
    "user_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_assignments_pkey" PRIMARY KEY ("user_id","customer_id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" VARCHAR(32) NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_verified_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(512),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" VARCHAR(32) NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "customer_id" UUID NOT NULL,
    "created_by_id" UUID NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "permissions" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "password_resets" (
    "id" VARCHAR(32) NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "user_id" UUID NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "password_resets_pkey" PRIMARY KEY ("id")
);

-- CreateTable (partitioned: see the partition functions below)
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" UUID,
    "api_token_id" VARCHAR(32),
    "customer_id" UUID,
    "action" VARCHAR(120) NOT NULL,
    "target_type" VARCHAR(60),
    "target_id" VARCHAR(120),
    "before" JSONB,
    "after" JSONB,
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(512),
    "result" "AuditResult" NOT NULL,
    "detail" VARCHAR(500),

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id","created_at")
) PARTITION BY RANGE ("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_customer_id_idx" ON "users"("customer_id");
CREATE INDEX "customer_assignments_customer_id_idx" ON "customer_assignments"("customer_id");
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");
CREATE INDEX "api_tokens_customer_id_idx" ON "api_tokens"("customer_id");
CREATE INDEX "api_tokens_created_by_id_idx" ON "api_tokens"("created_by_id");
CREATE INDEX "password_resets_user_id_idx" ON "password_resets"("user_id");
CREATE INDEX "audit_log_customer_id_created_at_idx" ON "audit_log"("customer_id", "created_at");
CREATE INDEX "audit_log_user_id_created_at_idx" ON "audit_log"("user_id", "created_at");
CREATE INDEX "audit_log_action_created_at_idx" ON "audit_log"("action", "created_at");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "customer_assignments" ADD CONSTRAINT "customer_assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "customer_assignments" ADD CONSTRAINT "customer_assignments_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security on identity tables.
-- users: internal staff rows (customer_id NULL) only in the '*' scope; a user always sees itself.
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "users"
  USING ((SELECT app_scope_all()) OR "id" = (SELECT app_user_id()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

ALTER TABLE "customer_assignments" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "customer_assignments" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "customer_assignments"
  USING ((SELECT app_scope_all()) OR "user_id" = (SELECT app_user_id()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()));

-- sessions and password resets belong to a user, not a farm: the owner or the '*' scope.
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON "sessions"
  USING ((SELECT app_scope_all()) OR "user_id" = (SELECT app_user_id()))
  WITH CHECK ((SELECT app_scope_all()) OR "user_id" = (SELECT app_user_id()));

ALTER TABLE "password_resets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "password_resets" FORCE ROW LEVEL SECURITY;
CREATE POLICY system_only ON "password_resets"
  USING ((SELECT app_scope_all()))
  WITH CHECK ((SELECT app_scope_all()));

ALTER TABLE "api_tokens" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_tokens" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "api_tokens"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

-- audit_log: rows about a customer are visible in its scope; rows with no customer only to '*'.
-- Anyone may append within scope (denials are audited under the caller's own scope).
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON "audit_log" FOR SELECT
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
CREATE POLICY tenant_append ON "audit_log" FOR INSERT
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" IS NULL OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));

-- Audit partitions: one per calendar month (UTC), named audit_log_yYYYYmMM. The function is run by the
-- owner: here for the current month and the next three, then by the server's daily maintenance job
-- through `audit_ensure_partitions` (SECURITY DEFINER: the app role may not create tables itself).
CREATE FUNCTION audit_ensure_partitions(months_ahead integer DEFAULT 3) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  m date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  created integer := 0;
  name text;
BEGIN
  FOR i IN 0..months_ahead LOOP
    name := format('audit_log_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
        name, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;

-- Retention: drops whole partitions that ended before `keep_months` months ago; returns their names.
-- The application role may call it for its scheduled retention, but never to erase recent history.
CREATE FUNCTION audit_drop_partitions_before(keep_months integer) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  cutoff date := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => keep_months))::date;
  part record;
BEGIN
  IF keep_months < 12 THEN
    RAISE EXCEPTION 'audit retention must keep at least 12 months (asked for %)', keep_months;
  END IF;
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_y[0-9]{4}m[0-9]{2}$'
      AND to_date(substr(c.relname, 12, 4) || substr(c.relname, 17, 2), 'YYYYMM') < cutoff
  LOOP
    EXECUTE format('DROP TABLE %I', part.relname);
    RETURN NEXT part.relname;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION audit_ensure_partitions(integer), audit_drop_partitions_before(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_ensure_partitions(integer), audit_drop_partitions_before(integer) TO reprotech_app;

SELECT audit_ensure_partitions(3);

-- Privileges of the application role. The audit log is append-only: INSERT and SELECT, nothing else.
GRANT SELECT, INSERT, UPDATE, DELETE ON "users", "customer_assignments", "sessions", "api_tokens", "password_resets" TO reprotech_app;
GRANT SELECT, INSERT ON "audit_log" TO reprotech_app;

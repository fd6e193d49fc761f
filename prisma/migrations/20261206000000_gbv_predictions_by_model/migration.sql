-- Predictions partitioned by model (LIST on model_id, one partition per model).
--
-- Why: publishing a model re-scores every genotyped animal on its panel. Inserting those rows one by
-- one into a table with seven indexes and five foreign keys, then flipping the previous version's
-- rows to history through the indexed is_current column, cost ~3 s per 40,000 predictions
-- (bench:gbv). Now the gbv-score job fills a new model's partition while it is still a plain table
-- (no index, no foreign key), then attaches it: PostgreSQL builds the partition's indexes in one pass
-- and checks its foreign keys with one query each. The flip stays a row update, but is_current is in
-- no index any more, so on pages kept half-empty (fillfactor 50) it is a HOT update.
--
-- What changed with it:
-- - The primary key is (model_id, genotype_id) — a partitioned table's keys must contain the
--   partition key, and that pair was already unique. The surrogate id column is gone (nothing read it
--   but the percentile update's join).
-- - gbv_predictions_one_current (at most one current row per animal and trait) cannot exist on a
--   partitioned table (unique indexes must contain model_id). Writers keep that rule under the trait's
--   scoring lock (percentiles.ts): each flips the animals' current rows and inserts for one set of
--   genotypes decided in one statement (scoring.ts writePage, batch-load.ts).
-- - Attaching clones the parent's foreign keys, which locks the referenced tables against writes until
--   COMMIT: the batch load attaches last (batch-load.ts).
-- - Indexes: (customer_id, trait_id, value) serves a farm's ranking, (animal_id, trait_id) an animal's
--   GBVs and history and the animal FK's cascade, (genotype_id) the genotype FK's cascade. A partition
--   holds one model, so one trait: percentiles and '*'-scope distributions read a trait's partitions
--   whole, and a (trait_id) index had nothing left to select.
-- - Partitions are named by gbv_predictions_partition(model) and created by the SECURITY DEFINER
--   functions below (the application role may not create tables). Once attached, a partition grants
--   the application role nothing: it reaches rows only through the parent and its row-level security.

CREATE FUNCTION gbv_predictions_partition(model uuid) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'gbv_predictions_' || replace(model::text, '-', '') $$;

-- A new model's partition as a plain table the application role may fill (INSERT, and SELECT for
-- the rows it just wrote), in the caller's transaction. Refused if the partition exists already, and
-- to a farm's scope (only the system scope scores, and the staged table has no row-level security).
-- search_path ends with pg_temp so that a caller's temporary table can never stand in for ours.
CREATE FUNCTION gbv_predictions_stage(model uuid) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE name text := gbv_predictions_partition(model);
BEGIN
  IF coalesce(current_setting('app.customer_ids', true), '') NOT IN ('', '*') THEN
    RAISE EXCEPTION 'predictions are staged in the system scope only';
  END IF;
  IF to_regclass(name) IS NOT NULL THEN
    RAISE EXCEPTION 'the predictions of model % have a partition already', model;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE gbv_predictions INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 50)', name);
  EXECUTE format('GRANT SELECT, INSERT ON %I TO reprotech_app', name);
  RETURN name;
END
$$;

-- Attaches a staged partition (returns its name): its indexes are built and its foreign keys checked here.
CREATE FUNCTION gbv_predictions_attach(model uuid) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE name text := gbv_predictions_partition(model);
BEGIN
  EXECUTE format('REVOKE ALL ON %I FROM reprotech_app', name);
  EXECUTE format('ALTER TABLE gbv_predictions ATTACH PARTITION %I FOR VALUES IN (%L)', name, model);
  RETURN name;
END
$$;
REVOKE ALL ON FUNCTION gbv_predictions_stage(uuid), gbv_predictions_attach(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gbv_predictions_stage(uuid), gbv_predictions_attach(uuid) TO reprotech_app;

-- The rows move over; the unpartitioned table goes.
CREATE TEMP TABLE gbv_predictions_moving ON COMMIT DROP AS SELECT * FROM "gbv_predictions";
DROP TABLE "gbv_predictions";

CREATE TABLE "gbv_predictions" (
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

    CONSTRAINT "gbv_predictions_pkey" PRIMARY KEY ("model_id", "genotype_id")
) PARTITION BY LIST ("model_id");

CREATE INDEX "gbv_predictions_customer_id_trait_id_value_idx" ON "gbv_predictions"("customer_id", "trait_id", "value");
CREATE INDEX "gbv_predictions_animal_id_trait_id_idx" ON "gbv_predictions"("animal_id", "trait_id");
CREATE INDEX "gbv_predictions_genotype_id_idx" ON "gbv_predictions"("genotype_id");

ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_animal_id_fkey" FOREIGN KEY ("animal_id") REFERENCES "animals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_trait_id_fkey" FOREIGN KEY ("trait_id") REFERENCES "gbv_traits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "gbv_models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_genotype_id_fkey" FOREIGN KEY ("genotype_id") REFERENCES "genotypes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_reliability" CHECK ("reliability" >= 0 AND "reliability" <= 1);
ALTER TABLE "gbv_predictions" ADD CONSTRAINT "gbv_predictions_percentiles" CHECK (("percentile_breed" IS NULL OR "percentile_breed" BETWEEN 0 AND 100) AND ("percentile_customer" IS NULL OR "percentile_customer" BETWEEN 0 AND 100));

ALTER TABLE "gbv_predictions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "gbv_predictions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "gbv_predictions"
  USING ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]))
  WITH CHECK ((SELECT app_scope_all()) OR "customer_id" = ANY ((SELECT app_scope_ids())::uuid[]));
GRANT SELECT, INSERT, UPDATE, DELETE ON "gbv_predictions" TO reprotech_app;

DO $$
DECLARE model uuid;
BEGIN
  FOR model IN SELECT DISTINCT model_id FROM gbv_predictions_moving LOOP
    EXECUTE format(
      'INSERT INTO %I (customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability,
                       percentile_breed, percentile_customer, is_current, created_at)
       SELECT customer_id, animal_id, trait_id, model_id, genotype_id, value, reliability,
              percentile_breed, percentile_customer, is_current, created_at
         FROM gbv_predictions_moving WHERE model_id = %L', gbv_predictions_stage(model), model);
    PERFORM gbv_predictions_attach(model);
  END LOOP;
END
$$;

// THE one place that decides whether an animal "has a genotype" (the list filter hasGenotype): it
// has one when a CURRENT genotype row exists for it (any panel). Genotypes replaced by a newer
// upload on the same panel (is_current = false) don't count on their own. Every list, count and
// cache key built on the filter follows this predicate; the genotype-ingest job invalidates the
// customer's animals cache after it commits new genotypes (see genotypes/ingest.ts).

/** SQL predicate over the animals row `alias`: true when the animal has a current stored genotype. */
export function hasGenotypeSql(alias: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`invalid SQL alias ${alias}`);
  return `EXISTS (SELECT 1 FROM genotypes g WHERE g.animal_id = ${alias}.id AND g.is_current)`;
}

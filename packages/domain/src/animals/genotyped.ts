// THE one place that decides whether an animal "has a genotype" (the list filter hasGenotype).
// There is no genotype table yet, so today no animal has one: hasGenotype=true matches nothing and
// hasGenotype=false matches every animal. When the genotyping pipeline lands, replace the body with
//   `EXISTS (SELECT 1 FROM genotypes g WHERE g.animal_id = ${alias}.id)`
// and every list, count and cache key built on it follows.

/** SQL predicate over the animals row `alias`: true when the animal has a stored genotype. */
export function hasGenotypeSql(_alias: string): string {
  return "FALSE";
}

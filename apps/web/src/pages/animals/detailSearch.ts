// The animal page's URL state: how many generations the pedigree tree draws.
import { z } from "zod";

export const PEDIGREE_DEPTHS = [2, 3, 4, 5] as const;
export const DEFAULT_PEDIGREE_DEPTH = 3;

const schema = z.object({
  depth: z.coerce.number().int().min(2).max(5).optional().catch(undefined),
});
export type AnimalDetailSearch = z.infer<typeof schema>;

export function parseAnimalDetailSearch(raw: Record<string, unknown>): AnimalDetailSearch {
  const { depth } = schema.parse(raw);
  return depth === undefined ? {} : { depth };
}

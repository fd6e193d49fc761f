// The animal list's filters and sort live in the URL (shareable, survive reloads and the back button).
// Anything malformed in a hand-edited URL is dropped rather than failing the page.
import {
  ANIMAL_SORTS,
  animalStatusSchema,
  BREED_CODES,
  isIsoDate,
  sexSchema,
  type ListAnimalsInput,
} from "@reprotech/domain/schemas";
import { z } from "zod";

// The router parses "123" into a number: a search for a numeric tag must stay text.
const text = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().trim().max(100));
const isoDate = z.string().refine(isIsoDate);

export const animalListSearchSchema = z.object({
  q: text.optional().catch(undefined),
  breed: z.enum(BREED_CODES).optional().catch(undefined),
  sex: sexSchema.optional().catch(undefined),
  status: animalStatusSchema.optional().catch(undefined),
  bornFrom: isoDate.optional().catch(undefined),
  bornTo: isoDate.optional().catch(undefined),
  genotype: z.enum(["yes", "no"]).optional().catch(undefined),
  sort: z.enum(ANIMAL_SORTS).optional().catch(undefined),
  order: z.enum(["asc", "desc"]).optional().catch(undefined),
  /** Staff with several farms: one farm, or all of them when absent. */
  customer: z.uuid().optional().catch(undefined),
});
export type AnimalListSearch = z.infer<typeof animalListSearchSchema>;

/** URL search → only the keys that carry a value (so links stay short). */
export function parseAnimalListSearch(raw: Record<string, unknown>): AnimalListSearch {
  const parsed = animalListSearchSchema.parse(raw);
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined && v !== "")) as AnimalListSearch;
}

type ListFilters = Omit<ListAnimalsInput, "limit" | "cursor" | "sort" | "order"> &
  Pick<Partial<ListAnimalsInput>, "sort" | "order">;

/** URL search → the animals.list / export filters the server takes. */
export function listFilters(s: AnimalListSearch, ownCustomerId: string | null): ListFilters {
  const customerId = ownCustomerId ?? s.customer;
  return {
    ...(customerId ? { customerId } : {}),
    ...(s.q ? { search: s.q } : {}),
    ...(s.breed ? { breed: s.breed } : {}),
    ...(s.sex ? { sex: s.sex } : {}),
    ...(s.status ? { status: s.status } : {}),
    ...(s.bornFrom ? { bornFrom: s.bornFrom } : {}),
    ...(s.bornTo ? { bornTo: s.bornTo } : {}),
    ...(s.genotype ? { hasGenotype: s.genotype === "yes" } : {}),
    ...(s.sort ? { sort: s.sort } : {}),
    ...(s.order ? { order: s.order } : {}),
  };
}

/** The export download's URL for the same filters. */
export function exportUrl(filters: ListFilters, format: "csv" | "xlsx"): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) params.set(key, String(value));
  return `/api/v1/animals/export?${params.toString()}`;
}

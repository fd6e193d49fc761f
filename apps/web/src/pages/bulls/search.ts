// The bull catalogue's URL state: the search text.
import { z } from "zod";

const schema = z.object({
  q: z
    .preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().trim().max(100))
    .optional()
    .catch(undefined),
});
export type BullSearch = z.infer<typeof schema>;

export function parseBullSearch(raw: Record<string, unknown>): BullSearch {
  const { q } = schema.parse(raw);
  return q ? { q } : {};
}

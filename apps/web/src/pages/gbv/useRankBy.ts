// The "rank by" choice shared by the rankings page: a trait (by code) or a selection index (by id),
// as one Select value "trait:<code>" / "index:<id>".
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";

export type RankBy = { trait: string; indexId?: undefined } | { indexId: string; trait?: undefined };

export function parseRankBy(value: string | null): RankBy | null {
  if (!value) return null;
  const [kind, id] = [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)];
  if (kind === "trait" && id) return { trait: id };
  if (kind === "index" && id) return { indexId: id };
  return null;
}

export function useRankByOptions(customerId: string | undefined) {
  const trpc = useTRPC();
  const traits = useQuery(trpc.gbv.traits.list.queryOptions());
  const indexes = useQuery(trpc.gbv.indexes.list.queryOptions({ customerId }));
  const groups = [
    {
      group: "Traits",
      items: (traits.data ?? []).map((t) => ({ value: `trait:${t.code}`, label: `${t.name} (${t.unit})` })),
    },
    {
      group: "Selection indexes",
      items: (indexes.data ?? []).map((i) => ({
        value: `index:${i.id}`,
        label: i.isDefault ? `${i.name} (default)` : i.name,
      })),
    },
  ].filter((g) => g.items.length > 0);
  return { groups, traits, indexes };
}

// Customer names for pickers and tables (≈300 farms: one page of customers.list holds them all).
// The server returns only the farms the caller may reach.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "../../trpc";

export const DIRECTORY_LIMIT = 500;

export function useCustomerDirectory(enabled = true) {
  const trpc = useTRPC();
  const query = useQuery(trpc.customers.list.queryOptions({ limit: DIRECTORY_LIMIT }, { enabled }));
  return useMemo(() => {
    const items = query.data?.items ?? [];
    const names = new Map(items.map((c) => [c.id, c.name]));
    return {
      query,
      items,
      options: items.map((c) => ({ value: c.id, label: c.status === "suspended" ? `${c.name} (suspended)` : c.name })),
      nameOf: (id: string | null | undefined) => (id ? (names.get(id) ?? `${id.slice(0, 8)}…`) : "—"),
      /** True when there may be more farms than one page shows. */
      truncated: query.data?.nextCursor != null,
    };
  }, [query]);
}

// The herd register: search and filter (kept in the URL), sort, the total of the filtered set, rows
// loaded page by page as the reader scrolls, CSV/XLSX export of exactly this view. Customer users see
// their farm; staff see every farm they reach (with a farm column) or pick one.
import { Button, Group, Stack, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { useCan } from "../../auth/me";
import { InfiniteScrollFooter } from "../../components/InfiniteScrollFooter";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { RouterButton } from "../../layout/RouterLinks";
import { refusalOf } from "../../lib/errors";
import { useTRPC } from "../../trpc";
import { AnimalFilters } from "./AnimalFilters";
import { AnimalFormModal } from "./AnimalFormModal";
import { AnimalTable } from "./AnimalTable";
import { ExportButtons } from "./ExportButtons";
import type { AnimalListSearch } from "./search";
import { listFilters } from "./search";
import { useFarms } from "./useFarms";

const PAGE = 100;
const route = getRouteApi("/signed-in/animals");

export function AnimalsPage() {
  const trpc = useTRPC();
  const can = useCan();
  const farms = useFarms();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [creating, setCreating] = useState(false);
  const filters = listFilters(search, farms.staff ? null : farms.ownCustomerId);
  const showFarm = farms.staff && !filters.customerId;

  const list = useInfiniteQuery(
    trpc.animals.list.infiniteQueryOptions(
      { ...filters, limit: PAGE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  const refused = refusalOf(list.error) !== null;

  const update = (patch: Partial<AnimalListSearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true });

  return (
    <Stack gap="lg" maw={1300} data-testid="animals-page">
      <PageHeader
        title="Animals"
        description={
          farms.staff ? "The herds of the farms you work with." : "Your herd: every animal, its parents and status."
        }
        action={
          can("animals.write") && (
            <Group gap="xs">
              <RouterButton to="/animals/import" variant="default" data-testid="open-import">
                Import file
              </RouterButton>
              <Button onClick={() => setCreating(true)} data-testid="new-animal">
                New animal
              </Button>
            </Group>
          )
        }
      />
      {!refused && (
        <AnimalFilters
          value={search}
          onChange={update}
          farmOptions={farms.needsPicker ? farms.directory.options : null}
        />
      )}
      {!refused && (
        <Group justify="space-between" wrap="wrap">
          <Text size="sm" c="dimmed" data-testid="animals-total">
            {total === undefined
              ? "Counting…"
              : `${total.toLocaleString("en-GB")} ${total === 1 ? "animal" : "animals"}`}
          </Text>
          <ExportButtons filters={filters} disabled={!total} />
        </Group>
      )}
      <QueryState error={list.error} isPending={list.isPending} onRetry={() => void list.refetch()} />
      {list.data && (
        <>
          <AnimalTable
            rows={rows}
            showFarm={showFarm}
            sort={search.sort ?? "officialId"}
            order={search.order ?? "asc"}
            onSort={(sort, order) => update({ sort, order })}
          />
          <InfiniteScrollFooter
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onMore={() => void list.fetchNextPage()}
            shown={rows.length}
            total={total}
          />
        </>
      )}
      {creating && (
        <AnimalFormModal
          customerId={filters.customerId ?? farms.ownCustomerId}
          onClose={() => setCreating(false)}
          onSaved={(animal) => void navigate({ to: "/animals/$animalId", params: { animalId: animal.id } })}
        />
      )}
    </Stack>
  );
}

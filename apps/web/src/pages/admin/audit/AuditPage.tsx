// The audit log, newest first: who did what, to what, with which result. Filters go to the server;
// "Load more" follows its cursor. Customer admins see their own farm's entries only (server-scoped).
import { Stack, Table } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { listAuditInput } from "@reprotech/domain/schemas";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useCan, useMe } from "../../../auth/me";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { PageHeader } from "../../../components/PageHeader";
import { QueryState } from "../../../components/QueryState";
import { refusalOf } from "../../../lib/errors";
import { validate } from "../../../lib/validate";
import { useTRPC, type AuditEntry } from "../../../trpc";
import { LoadMore } from "../LoadMore";
import { useCustomerDirectory } from "../useCustomerDirectory";
import { AuditFilters, emptyAuditFilters, type AuditFilterValues } from "./AuditFilters";
import { AuditRow } from "./AuditRow";

const PAGE = 50;

/** Form values → the list input the server takes (empty fields left out, local times → instants). */
function toInput(f: AuditFilterValues) {
  return {
    limit: PAGE,
    ...(f.userId ? { userId: f.userId } : {}),
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.action.trim() ? { action: f.action.trim() } : {}),
    ...(f.result ? { result: f.result } : {}),
    ...(f.from ? { from: new Date(f.from) } : {}),
    ...(f.to ? { to: new Date(f.to) } : {}),
  };
}

export function AuditPage() {
  const trpc = useTRPC();
  const me = useMe();
  const can = useCan();
  const staff = me.customerId === null;
  const directory = useCustomerDirectory(staff && can("customers.read"));
  const people = useQuery(trpc.users.list.queryOptions({ limit: 500 }, { enabled: can("users.read") }));
  const [filters, setFilters] = useState<AuditFilterValues>(emptyAuditFilters);
  const [debounced] = useDebouncedValue(filters, 300);
  const checked = useMemo(() => validate(listAuditInput, toInput(debounced)), [debounced]);
  const input = checked.ok ? toInput(debounced) : { limit: PAGE };

  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      staleTime: 0,
    }),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const peopleById = useMemo(() => new Map((people.data?.items ?? []).map((u) => [u.id, u])), [people.data]);
  const whoDid = (entry: AuditEntry) => {
    if (entry.userId) {
      const u = peopleById.get(entry.userId);
      return u
        ? { name: u.displayName, detail: u.email }
        : { name: `${entry.userId.slice(0, 8)}…`, detail: entry.userId };
    }
    if (entry.apiTokenId) return { name: "API token", detail: entry.apiTokenId };
    return { name: "—" };
  };
  const refused = refusalOf(list.error) !== null;

  return (
    <Stack gap="lg" maw={1300} data-testid="audit-page">
      <PageHeader
        title="Audit log"
        description={
          staff
            ? "Every change and every refused attempt, across all farms you reach. Newest first."
            : "Every change and every refused attempt on your farm. Newest first."
        }
      />
      {!refused && (
        <AuditFilters
          value={filters}
          onChange={setFilters}
          userOptions={(people.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.email})` }))}
          customerOptions={staff ? directory.options : null}
        />
      )}
      {!checked.ok && (
        <ErrorAlert error={new Error(Object.values(checked.errors).join("; "))} title="Check the filters" />
      )}
      {filters.from && filters.to && filters.from > filters.to && (
        <ErrorAlert error={new Error("“From” is after “To”: nothing can match.")} title="Check the time range" />
      )}
      <QueryState error={list.error} isPending={list.isPending} onRetry={() => void list.refetch()} />
      {list.data && (
        <>
          <Table.ScrollContainer minWidth={880}>
            <Table verticalSpacing="xs" data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th>When</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Result</Table.Th>
                  <Table.Th>Who</Table.Th>
                  {staff && <Table.Th>Farm</Table.Th>}
                  <Table.Th>Target</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((entry) => (
                  <AuditRow
                    key={entry.id}
                    entry={entry}
                    who={whoDid(entry)}
                    farm={staff ? directory.nameOf(entry.customerId) : null}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onMore={() => void list.fetchNextPage()}
            shown={rows.length}
          />
        </>
      )}
    </Stack>
  );
}

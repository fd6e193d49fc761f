// Customer farms: search, status filter, create, edit, suspend / reactivate. Editing needs
// customers.manage; a customer's own users reach this page only for their own farm (server-scoped).
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "../../../auth/me";
import { PageHeader } from "../../../components/PageHeader";
import { QueryState } from "../../../components/QueryState";
import { useTRPC, type Customer } from "../../../trpc";
import { LoadMore } from "../LoadMore";
import { CustomerFormModal } from "./CustomerFormModal";
import { CustomerStatusModal } from "./CustomerStatusModal";

const PAGE = 50;
type StatusFilter = "active" | "suspended" | "all";

export function CustomersPage() {
  const trpc = useTRPC();
  const can = useCan();
  const manage = can("customers.manage");
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [status, setStatus] = useState<StatusFilter>("all");
  const [editing, setEditing] = useState<Customer | "new" | null>(null);
  const [changingStatus, setChangingStatus] = useState<Customer | null>(null);

  const list = useInfiniteQuery(
    trpc.customers.list.infiniteQueryOptions(
      { limit: PAGE, ...(debounced ? { search: debounced } : {}), ...(status !== "all" ? { status } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="lg" maw={1200} data-testid="customers-page">
      <PageHeader
        title="Customers"
        description="Customer farms, their subscription tier, animal limit and research consent."
        action={manage && <Button onClick={() => setEditing("new")}>New customer</Button>}
      />
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Farm name"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
        />
        <Select
          label="Status"
          value={status}
          onChange={(v) => setStatus((v as StatusFilter | null) ?? "all")}
          data={[
            { value: "all", label: "All" },
            { value: "active", label: "Active" },
            { value: "suspended", label: "Suspended" },
          ]}
          allowDeselect={false}
          w={160}
        />
      </Group>
      <QueryState error={list.error} isPending={list.isPending} onRetry={() => void list.refetch()} />
      {list.data && (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="customers-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Tier</Table.Th>
                  <Table.Th ta="right">Max animals</Table.Th>
                  <Table.Th>Research consent</Table.Th>
                  <Table.Th>Status</Table.Th>
                  {manage && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((c) => (
                  <Table.Tr key={c.id} data-testid="customer-row">
                    <Table.Td fw={500}>{c.name}</Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={c.tier === "enterprise" ? "grape" : c.tier === "professional" ? "blue" : "gray"}
                      >
                        {c.tier}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">{c.maxAnimals.toLocaleString("en-GB")}</Table.Td>
                    <Table.Td>{c.researchConsent ? "Yes" : "No"}</Table.Td>
                    <Table.Td>
                      <Badge color={c.status === "active" ? "teal" : "red"} variant="dot">
                        {c.status}
                      </Badge>
                    </Table.Td>
                    {manage && (
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button size="compact-sm" variant="subtle" onClick={() => setEditing(c)}>
                            Edit
                          </Button>
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color={c.status === "active" ? "red" : "teal"}
                            onClick={() => setChangingStatus(c)}
                          >
                            {c.status === "active" ? "Suspend" : "Reactivate"}
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
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
      {!manage && list.data && (
        <Text size="xs" c="dimmed">
          You can see these farms; changing them is for Reprotech administrators.
        </Text>
      )}
      {editing && <CustomerFormModal customer={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
      {changingStatus && <CustomerStatusModal customer={changingStatus} onClose={() => setChangingStatus(null)} />}
    </Stack>
  );
}

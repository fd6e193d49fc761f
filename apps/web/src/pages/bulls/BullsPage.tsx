// The AI-bull catalogue every farm's pedigrees refer to: search by NAAB code (conventional or sexed),
// registration number or name (the search lives in the URL, so a pedigree can link to one bull).
// Staff with bulls.manage add and correct bulls; everyone else reads.
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import type { BreedCode } from "@reprotech/domain/schemas";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { useCan } from "../../auth/me";
import { InfiniteScrollFooter } from "../../components/InfiniteScrollFooter";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { refusalOf } from "../../lib/errors";
import { useTRPC, type Bull } from "../../trpc";
import { breedLabel, breedOptions } from "../animals/labels";
import { BullFormModal } from "./BullFormModal";

const route = getRouteApi("/signed-in/bulls");
const PAGE = 100;

export function BullsPage() {
  const trpc = useTRPC();
  const can = useCan();
  const { q } = route.useSearch();
  const navigate = route.useNavigate();
  const [text, setText] = useState(q ?? "");
  const [debounced] = useDebouncedValue(text.trim(), 300);
  const [breed, setBreed] = useState<BreedCode | null>(null);
  const [editing, setEditing] = useState<Bull | "new" | null>(null);
  useEffect(() => setText(q ?? ""), [q]);
  useEffect(() => {
    if (debounced !== (q ?? "")) void navigate({ search: debounced ? { q: debounced } : {}, replace: true });
  }, [debounced, q, navigate]);

  const list = useInfiniteQuery(
    trpc.bulls.list.infiniteQueryOptions(
      { limit: PAGE, ...(q ? { search: q } : {}), ...(breed ? { breed } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  const manage = can("bulls.manage");
  const refused = refusalOf(list.error) !== null;

  return (
    <Stack gap="lg" maw={1100} data-testid="bulls-page">
      <PageHeader
        title="Bull catalogue"
        description="AI bulls by NAAB code: the sires farms choose when recording inseminations and pedigrees."
        action={
          manage && (
            <Button onClick={() => setEditing("new")} data-testid="new-bull">
              Add bull
            </Button>
          )
        }
      />
      {!refused && (
        <Group gap="sm" align="flex-end">
          <TextInput
            label="Search"
            placeholder="NAAB code, registration or name starts with…"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={320}
            data-testid="bull-search"
          />
          <Select
            label="Breed"
            placeholder="Any"
            clearable
            value={breed}
            onChange={(v) => setBreed(v as BreedCode | null)}
            data={breedOptions}
            w={190}
          />
          <Text size="sm" c="dimmed" pb={8} data-testid="bulls-total">
            {total === undefined ? "" : `${total.toLocaleString("en-GB")} ${total === 1 ? "bull" : "bulls"}`}
          </Text>
        </Group>
      )}
      <QueryState error={list.error} isPending={list.isPending} onRetry={() => void list.refetch()} />
      {list.data && (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="xs" data-testid="bulls-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>NAAB code</Table.Th>
                  <Table.Th>Sexed</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Registration</Table.Th>
                  <Table.Th>Breed</Table.Th>
                  {manage && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((b) => (
                  <Table.Tr key={b.id} data-testid="bull-row">
                    <Table.Td ff="monospace" fw={600}>
                      {b.naabCode}
                    </Table.Td>
                    <Table.Td ff="monospace">
                      {b.sexedNaabCode ?? (
                        <Text span c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{b.name}</Table.Td>
                    <Table.Td ff="monospace" fz="sm">
                      {b.registrationNumber}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="gray" style={{ flexShrink: 0 }}>
                        {b.breed}
                      </Badge>{" "}
                      <Text span size="sm" c="dimmed">
                        {breedLabel(b.breed)}
                      </Text>
                    </Table.Td>
                    {manage && (
                      <Table.Td ta="right">
                        <Button size="compact-sm" variant="subtle" onClick={() => setEditing(b)}>
                          Edit
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <InfiniteScrollFooter
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onMore={() => void list.fetchNextPage()}
            shown={rows.length}
            total={total}
          />
        </>
      )}
      {editing && <BullFormModal bull={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

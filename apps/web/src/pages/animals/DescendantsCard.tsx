// The animal's offspring and theirs, nearest generation first.
import { Badge, Card, Group, Select, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { useTRPC } from "../../trpc";
import { SEX_LABELS } from "./labels";

const GENERATION = ["", "Offspring", "Grand-offspring", "Great-grand-offspring"];

export function DescendantsCard({ animalId, customerId }: { animalId: string; customerId: string }) {
  const trpc = useTRPC();
  const [depth, setDepth] = useState("2");
  const query = useQuery(trpc.animals.descendants.queryOptions({ animalId, customerId, depth: Number(depth) }));
  const rows = [...(query.data?.nodes ?? [])].sort(
    (a, b) => a.generation - b.generation || (a.birthDate ?? "").localeCompare(b.birthDate ?? ""),
  );
  return (
    <Card withBorder padding="lg" data-testid="descendants-card">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          Descendants
        </Title>
        <Select
          aria-label="Generations"
          size="xs"
          w={150}
          value={depth}
          onChange={(v) => setDepth(v ?? "2")}
          allowDeselect={false}
          data={[
            { value: "1", label: "Offspring" },
            { value: "2", label: "2 generations" },
            { value: "3", label: "3 generations" },
          ]}
        />
      </Group>
      <QueryState error={query.error} isPending={query.isPending} />
      {query.data &&
        (rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            No recorded descendants.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing={4} data-testid="descendants-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Official ID</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Sex</Table.Th>
                  <Table.Th>Born</Table.Th>
                  <Table.Th>Generation</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <RouterAnchor to="/animals/$animalId" params={{ animalId: d.id }} ff="monospace" fz="sm">
                        {d.officialId}
                      </RouterAnchor>
                    </Table.Td>
                    <Table.Td>{d.name ?? "—"}</Table.Td>
                    <Table.Td>{SEX_LABELS[d.sex]}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{d.birthDate ?? "—"}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="gray" style={{ flexShrink: 0 }}>
                        {GENERATION[d.generation] ?? `Generation ${d.generation}`}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
    </Card>
  );
}

// The animal list's rows: sortable headers (the sort lives in the URL), the farm column for staff
// looking across farms, each official ID a link to the animal.
import { Badge, Table, Text, UnstyledButton } from "@mantine/core";
import type { ANIMAL_SORTS } from "@reprotech/domain/schemas";
import { RouterAnchor } from "../../layout/RouterLinks";
import type { AnimalRow } from "../../trpc";
import { SEX_LABELS, STATUS_COLORS, STATUS_LABELS } from "./labels";

export type AnimalSort = (typeof ANIMAL_SORTS)[number];

interface AnimalTableProps {
  rows: AnimalRow[];
  showFarm: boolean;
  sort: AnimalSort;
  order: "asc" | "desc";
  onSort: (sort: AnimalSort, order: "asc" | "desc") => void;
}

function SortHeader(props: {
  label: string;
  column: AnimalSort;
  sort: AnimalSort;
  order: "asc" | "desc";
  onSort: AnimalTableProps["onSort"];
}) {
  const active = props.sort === props.column;
  const next = active && props.order === "asc" ? "desc" : "asc";
  return (
    <Table.Th aria-sort={active ? (props.order === "asc" ? "ascending" : "descending") : "none"}>
      <UnstyledButton
        fw={700}
        fz="sm"
        onClick={() => props.onSort(props.column, next)}
        data-testid={`sort-${props.column}`}
      >
        {props.label}{" "}
        {active ? (
          props.order === "asc" ? (
            "▲"
          ) : (
            "▼"
          )
        ) : (
          <Text span c="dimmed">
            ↕
          </Text>
        )}
      </UnstyledButton>
    </Table.Th>
  );
}

export function AnimalTable({ rows, showFarm, sort, order, onSort }: AnimalTableProps) {
  const header = { sort, order, onSort };
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" stickyHeader data-testid="animals-table">
        <Table.Thead>
          <Table.Tr>
            <SortHeader label="Official ID" column="officialId" {...header} />
            <SortHeader label="Tag" column="herdTag" {...header} />
            <SortHeader label="Name" column="name" {...header} />
            <Table.Th>Breed</Table.Th>
            <Table.Th>Sex</Table.Th>
            <SortHeader label="Born" column="birthDate" {...header} />
            <Table.Th>Status</Table.Th>
            {showFarm && <Table.Th>Farm</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((a) => (
            <Table.Tr key={a.id} data-testid="animal-row">
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <RouterAnchor
                  to="/animals/$animalId"
                  params={{ animalId: a.id }}
                  ff="monospace"
                  fz="sm"
                  data-testid="animal-link"
                >
                  {a.officialId}
                </RouterAnchor>
              </Table.Td>
              <Table.Td>{a.herdTag ?? "—"}</Table.Td>
              <Table.Td>{a.name ?? "—"}</Table.Td>
              <Table.Td>{a.breed}</Table.Td>
              <Table.Td>{SEX_LABELS[a.sex]}</Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>{a.birthDate}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={STATUS_COLORS[a.status]} style={{ flexShrink: 0 }}>
                  {STATUS_LABELS[a.status]}
                </Badge>
              </Table.Td>
              {showFarm && <Table.Td style={{ whiteSpace: "nowrap" }}>{a.customer?.name ?? "—"}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

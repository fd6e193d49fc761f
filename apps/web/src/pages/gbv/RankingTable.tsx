// The ranking's rows, sortable by clicking a column header (the server sorts: the rows are its top N
// by value, and `sort` / `order` only re-order those N).
import { Table, Text, UnstyledButton } from "@mantine/core";
import { useCustomerDirectory } from "../admin/useCustomerDirectory";
import { RouterAnchor } from "../../layout/RouterLinks";
import { SEX_LABELS } from "../animals/labels";
import { formatGbv, percentileLabel, reliabilityPercent } from "./format";
import type { Ranking, RankingQuery } from "./types";

export type RankingSort = NonNullable<RankingQuery["sort"]>;
export interface SortState {
  sort: RankingSort;
  order: "asc" | "desc";
}

/** What the server does without `order`: ascending for rank and texts, descending for numbers and dates. */
export function defaultOrder(sort: RankingSort): "asc" | "desc" {
  return sort === "rank" || sort === "officialId" || sort === "name" ? "asc" : "desc";
}

export function nextSort(current: SortState, column: RankingSort): SortState {
  if (current.sort !== column) return { sort: column, order: defaultOrder(column) };
  return { sort: column, order: current.order === "asc" ? "desc" : "asc" };
}

function Header({
  label,
  column,
  state,
  onSort,
  right,
}: {
  label: string;
  column: RankingSort;
  state: SortState;
  onSort: (s: SortState) => void;
  right?: boolean;
}) {
  const active = state.sort === column;
  return (
    <Table.Th
      ta={right ? "right" : undefined}
      aria-sort={active ? (state.order === "asc" ? "ascending" : "descending") : "none"}
    >
      <UnstyledButton onClick={() => onSort(nextSort(state, column))} data-testid={`ranking-sort-${column}`}>
        <Text size="sm" fw={700}>
          {label} {active ? (state.order === "asc" ? "▲" : "▼") : ""}
        </Text>
      </UnstyledButton>
    </Table.Th>
  );
}

export function RankingTable({
  ranking,
  state,
  onSort,
  showFarm,
}: {
  ranking: Ranking;
  state: SortState;
  onSort: (s: SortState) => void;
  showFarm: boolean;
}) {
  const directory = useCustomerDirectory(showFarm);
  const unit = ranking.by.kind === "trait" ? ranking.by.unit : undefined;
  const h = { state, onSort };
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="ranking-table">
        <Table.Thead>
          <Table.Tr>
            <Header label="#" column="rank" {...h} />
            <Header label="Official ID" column="officialId" {...h} />
            <Header label="Name" column="name" {...h} />
            {showFarm && <Table.Th>Farm</Table.Th>}
            <Table.Th>Breed</Table.Th>
            <Table.Th>Sex</Table.Th>
            <Header label="Born" column="birthDate" {...h} />
            <Header label={ranking.by.kind === "trait" ? ranking.by.name : "Index"} column="value" right {...h} />
            <Header label="Reliability" column="reliability" right {...h} />
            <Table.Th>Breed percentile</Table.Th>
            <Table.Th>Farm percentile</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ranking.rows.map((r) => (
            <Table.Tr key={r.animalId} data-testid="ranking-row" data-animal-id={r.animalId} data-value={r.value}>
              <Table.Td>{r.rank}</Table.Td>
              <Table.Td>
                <RouterAnchor to="/animals/$animalId" params={{ animalId: r.animalId }} size="sm">
                  {r.officialId}
                </RouterAnchor>
              </Table.Td>
              <Table.Td>{r.name ?? "—"}</Table.Td>
              {showFarm && <Table.Td>{directory.nameOf(r.customerId)}</Table.Td>}
              <Table.Td>{r.breed}</Table.Td>
              <Table.Td>{SEX_LABELS[r.sex]}</Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>{r.birthDate}</Table.Td>
              <Table.Td ta="right" fw={600} style={{ whiteSpace: "nowrap" }}>
                {formatGbv(r.value, unit)}
              </Table.Td>
              <Table.Td ta="right">{reliabilityPercent(r.reliability)} %</Table.Td>
              <Table.Td>{percentileLabel(r.percentileBreed)}</Table.Td>
              <Table.Td>{percentileLabel(r.percentileCustomer)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {ranking.rows.length === 0 && (
        <Text c="dimmed" size="sm" py="md" data-testid="ranking-empty">
          No animal with a value matches these filters.
        </Text>
      )}
      {ranking.total > ranking.rows.length && (
        <Text size="xs" c="dimmed" mt="xs">
          Showing the best {ranking.rows.length} of {ranking.total.toLocaleString("en-GB")} animals: raise
          &quot;Top&quot; to see more.
        </Text>
      )}
    </Table.ScrollContainer>
  );
}

// /gbv/distribution: one trait's current GBVs over the caller's scope (gbv.distribution): a histogram
// per breed on shared bin edges (so the breeds compare bar by bar) and each breed's summary statistics.
import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import { Card, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { useTRPC } from "../../trpc";
import { breedLabel, breedOptions } from "../animals/labels";
import { useFarms } from "../animals/useFarms";
import { formatGbv, histogramRows } from "./format";
import { FarmFilter } from "../animals/FarmFilter";
import { GbvSections } from "./GbvSections";
import type { Distribution } from "./types";

const COLORS = ["indigo.6", "teal.6", "orange.6", "grape.6", "cyan.6", "red.6", "lime.6", "yellow.6"];

function SummaryTable({ d }: { d: Distribution }) {
  const f = (v: number) => formatGbv(v, d.trait.unit);
  return (
    <Table striped verticalSpacing="xs" data-testid="distribution-summary">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Breed</Table.Th>
          <Table.Th ta="right">Animals</Table.Th>
          <Table.Th ta="right">Mean</Table.Th>
          <Table.Th ta="right">SD</Table.Th>
          <Table.Th ta="right">Min</Table.Th>
          <Table.Th ta="right">Q1</Table.Th>
          <Table.Th ta="right">Median</Table.Th>
          <Table.Th ta="right">Q3</Table.Th>
          <Table.Th ta="right">Max</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.breeds.map((b) => (
          <Table.Tr key={b.breed} data-testid="distribution-breed" data-breed={b.breed} data-n={b.n}>
            <Table.Td>
              {b.breed} — {breedLabel(b.breed)}
            </Table.Td>
            <Table.Td ta="right">{b.n.toLocaleString("en-GB")}</Table.Td>
            <Table.Td ta="right">{f(b.mean)}</Table.Td>
            <Table.Td ta="right">{b.sd === null ? "—" : formatGbv(b.sd, d.trait.unit).replace(/^\+/, "")}</Table.Td>
            <Table.Td ta="right">{f(b.min)}</Table.Td>
            <Table.Td ta="right">{f(b.q1)}</Table.Td>
            <Table.Td ta="right">{f(b.median)}</Table.Td>
            <Table.Td ta="right">{f(b.q3)}</Table.Td>
            <Table.Td ta="right">{f(b.max)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function DistributionPage() {
  const trpc = useTRPC();
  const farms = useFarms();
  const [farm, setFarm] = useState<string | null>(null);
  const customerId = farms.staff ? (farm ?? undefined) : (farms.ownCustomerId ?? undefined);
  const traits = useQuery(trpc.gbv.traits.list.queryOptions());
  const [picked, setPicked] = useState<string | null>(null);
  const [breed, setBreed] = useState<string | null>(null);
  const trait = picked ?? traits.data?.[0]?.code ?? null;
  const dist = useQuery(
    trpc.gbv.distribution.queryOptions(
      { trait: trait ?? "none", customerId, breed: breed ?? undefined, bins: 20 },
      { enabled: trait !== null, placeholderData: keepPreviousData },
    ),
  );
  const d = dist.data;
  return (
    <Stack gap="lg" maw={1400} data-testid="gbv-distribution-page">
      <PageHeader
        title="Genomic evaluations"
        description="How one trait's genomic breeding values are spread, breed by breed."
      />
      <GbvSections active="distribution" />
      <Card withBorder padding="lg">
        <Group align="flex-end" gap="sm" mb="md" wrap="wrap">
          <FarmFilter farms={farms} value={farm} onChange={setFarm} label="Farm" testId="distribution-farm" />
          <Select
            label="Trait"
            w={260}
            data={(traits.data ?? []).map((t) => ({ value: t.code, label: `${t.name} (${t.unit})` }))}
            value={trait}
            onChange={setPicked}
            allowDeselect={false}
            data-testid="distribution-trait"
          />
          <Select
            label="Breed"
            placeholder="Every breed"
            clearable
            searchable
            w={220}
            data={breedOptions}
            value={breed}
            onChange={setBreed}
            data-testid="distribution-breed-filter"
          />
        </Group>
        {!d ? (
          <QueryState error={dist.error ?? traits.error} isPending={dist.isPending} />
        ) : d.breeds.length === 0 ? (
          <Text c="dimmed" data-testid="distribution-empty">
            No animal in scope has a {d.trait.name.toLowerCase()} value yet.
          </Text>
        ) : (
          <Stack gap="md">
            <Title order={3} size="h5">
              {d.trait.name} ({d.trait.unit}, {d.trait.higherIsBetter ? "higher is better" : "lower is better"})
            </Title>
            <BarChart
              h={300}
              data={histogramRows(d.breeds, d.trait.unit)}
              dataKey="bin"
              series={d.breeds.map((b, i) => ({ name: b.breed, color: COLORS[i % COLORS.length]! }))}
              withLegend
              xAxisLabel={`${d.trait.name} (${d.trait.unit})`}
              yAxisLabel="Animals"
              data-testid="distribution-histogram"
            />
            <SummaryTable d={d} />
          </Stack>
        )}
      </Card>
    </Stack>
  );
}

// /gbv: the top animals by one trait's GBV or a selection index (gbv.ranking), filtered by breed,
// sex, minimum reliability and birth date range, sortable, exportable as CSV (REST export route with
// the same parameters). Customer users rank their own farm; staff pick one of their farms or rank
// across all they reach (the server decides the scope either way).
import { Button, Card, Group, NumberInput, Select, Stack, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import type { Sex } from "@reprotech/domain/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { useTRPC } from "../../trpc";
import { breedOptions, SEX_LABELS } from "../animals/labels";
import { useFarms } from "../animals/useFarms";
import { rankingExportUrl } from "./format";
import { FarmFilter } from "../animals/FarmFilter";
import { GbvSections } from "./GbvSections";
import { RankingTable, type SortState } from "./RankingTable";
import type { RankingQuery } from "./types";
import { parseRankBy, useRankByOptions } from "./useRankBy";

const LIMITS = ["50", "100", "200", "500"];

export function RankingsPage() {
  const trpc = useTRPC();
  const farms = useFarms();
  const [farm, setFarm] = useState<string | null>(null);
  const customerId = farms.staff ? (farm ?? undefined) : (farms.ownCustomerId ?? undefined);
  const options = useRankByOptions(customerId);
  const [rankBy, setRankBy] = useState<string | null>(null);
  const [breed, setBreed] = useState<string | null>(null);
  const [sex, setSex] = useState<string | null>(null);
  const [minReliability, setMinReliability] = useState<number | string>("");
  const [bornFrom, setBornFrom] = useState("");
  const [bornTo, setBornTo] = useState("");
  const [limit, setLimit] = useState("50");
  const [sort, setSort] = useState<SortState>({ sort: "rank", order: "asc" });
  // First trait until the user picks: a page that shows something at once.
  const chosen = parseRankBy(rankBy ?? options.groups[0]?.items[0]?.value ?? null);
  const [minRel] = useDebouncedValue(minReliability, 300);

  const input: RankingQuery | null = chosen && {
    ...chosen,
    customerId,
    breed: breed ?? undefined,
    sex: (sex as Sex | null) ?? undefined,
    minReliability: typeof minRel === "number" ? minRel / 100 : undefined,
    bornFrom: bornFrom || undefined,
    bornTo: bornTo || undefined,
    limit: Number(limit),
    sort: sort.sort,
    order: sort.order,
  };
  const ranking = useQuery(
    trpc.gbv.ranking.queryOptions(input ?? { trait: "none" }, {
      enabled: input !== null,
      placeholderData: keepPreviousData,
    }),
  );

  return (
    <Stack gap="lg" maw={1400} data-testid="gbv-rankings-page">
      <PageHeader
        title="Genomic evaluations"
        description="Top animals by genomic breeding value or selection index, with reliabilities and percentiles."
        action={
          input && (
            <Button
              component="a"
              href={rankingExportUrl(input)}
              download
              variant="default"
              data-testid="ranking-export"
            >
              Export CSV
            </Button>
          )
        }
      />
      <GbvSections active="rankings" />
      <Card withBorder padding="lg">
        <Group align="flex-end" gap="sm" wrap="wrap" mb="md">
          <FarmFilter farms={farms} value={farm} onChange={setFarm} label="Farm" testId="ranking-farm" />
          <Select
            label="Rank by"
            w={260}
            data={options.groups}
            value={rankBy ?? options.groups[0]?.items[0]?.value ?? null}
            onChange={setRankBy}
            allowDeselect={false}
            data-testid="ranking-by"
          />
          <Select
            label="Breed"
            placeholder="Any"
            clearable
            searchable
            w={200}
            data={breedOptions}
            value={breed}
            onChange={setBreed}
            data-testid="ranking-breed"
          />
          <Select
            label="Sex"
            placeholder="Any"
            clearable
            w={120}
            data={Object.entries(SEX_LABELS).map(([value, label]) => ({ value, label }))}
            value={sex}
            onChange={setSex}
            data-testid="ranking-sex"
          />
          <NumberInput
            label="Min. reliability (%)"
            w={150}
            min={0}
            max={100}
            value={minReliability}
            onChange={setMinReliability}
            data-testid="ranking-min-reliability"
          />
          <TextInput
            label="Born from"
            type="date"
            w={160}
            value={bornFrom}
            onChange={(e) => setBornFrom(e.currentTarget.value)}
            data-testid="ranking-born-from"
          />
          <TextInput
            label="Born to"
            type="date"
            w={160}
            value={bornTo}
            onChange={(e) => setBornTo(e.currentTarget.value)}
            data-testid="ranking-born-to"
          />
          <Select
            id="ranking-limit"
            label="Top"
            w={90}
            data={LIMITS}
            value={limit}
            onChange={(v) => v && setLimit(v)}
            allowDeselect={false}
            data-testid="ranking-limit"
          />
        </Group>
        {ranking.data ? (
          <RankingTable ranking={ranking.data} state={sort} onSort={setSort} showFarm={farms.staff} />
        ) : (
          <QueryState error={ranking.error ?? options.traits.error} isPending={input === null || ranking.isPending} />
        )}
        {ranking.data && ranking.error && <QueryState error={ranking.error} isPending={false} />}
      </Card>
    </Stack>
  );
}

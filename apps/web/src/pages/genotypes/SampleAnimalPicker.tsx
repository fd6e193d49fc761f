// Finds the animal an unmatched sample belongs to: any animal of the upload's farm by official ID,
// herd tag or name prefix (animals.list's search), either sex.
import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "../../trpc";
import { animalLabel } from "../animals/labels";

interface Props {
  customerId: string;
  value: string | null;
  onChange: (animalId: string | null) => void;
  disabled?: boolean;
}

export function SampleAnimalPicker({ customerId, value, onChange, disabled }: Props) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [search] = useDebouncedValue(text.trim(), 250);
  const query = useQuery(
    trpc.animals.list.queryOptions(
      { customerId, limit: 20, ...(search ? { search } : {}) },
      { placeholderData: keepPreviousData },
    ),
  );
  const options = useMemo(
    () => (query.data?.items ?? []).map((a) => ({ value: a.id, label: animalLabel(a) })),
    [query.data],
  );
  const [chosenLabel, setChosenLabel] = useState<string | null>(null);
  const data =
    value && !options.some((o) => o.value === value) ? [{ value, label: chosenLabel ?? value }, ...options] : options;
  return (
    <Select
      size="xs"
      w={260}
      searchable
      clearable
      disabled={disabled}
      aria-label="Animal for this sample"
      placeholder="Official ID, tag or name"
      nothingFoundMessage={query.isFetching ? "Searching…" : "No animal starts with that"}
      data={data}
      value={value}
      searchValue={text}
      onSearchChange={setText}
      // The server already filtered by prefix; Mantine's own filter would hide matches on tag or name.
      filter={({ options: all }) => all}
      onChange={(id, option) => {
        setChosenLabel(option?.label ?? null);
        onChange(id);
      }}
      data-testid="sample-animal-picker"
    />
  );
}

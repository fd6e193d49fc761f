// Pickers for an animal's parents: a herd animal of the same farm found by official ID, tag or name
// (animals.list's prefix search, filtered by sex), or an AI bull of the catalogue found by NAAB code,
// registration number or name. The current choice keeps its label while the reader searches.
import { Select, type SelectProps } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import type { Sex } from "@reprotech/domain/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "../../trpc";
import { animalLabel } from "./labels";

interface PickerProps extends Omit<SelectProps, "data" | "value" | "onChange" | "searchValue" | "onSearchChange"> {
  value: string | null;
  onChange: (id: string | null) => void;
  /** How the current value reads before any search ran (from the animal's detail). */
  currentLabel?: string | null;
}

function useSearchText() {
  const [text, setText] = useState("");
  const [debounced] = useDebouncedValue(text.trim(), 250);
  return { text, setText, debounced };
}

/** Merges the selected option into the search results so Mantine can still show it. */
function withCurrent(options: { value: string; label: string }[], value: string | null, label?: string | null) {
  if (!value || options.some((o) => o.value === value)) return options;
  return [{ value, label: label ?? value }, ...options];
}

export function AnimalPicker({
  customerId,
  sex,
  excludeId,
  value,
  onChange,
  currentLabel,
  ...rest
}: PickerProps & { customerId: string | null; sex: Sex; excludeId?: string }) {
  const trpc = useTRPC();
  const search = useSearchText();
  const [labels, setLabels] = useState<Record<string, string>>({});
  const query = useQuery(
    trpc.animals.list.queryOptions(
      {
        customerId: customerId ?? undefined,
        sex,
        limit: 20,
        ...(search.debounced ? { search: search.debounced } : {}),
      },
      { enabled: customerId !== null, placeholderData: keepPreviousData },
    ),
  );
  const options = useMemo(
    () =>
      (query.data?.items ?? []).filter((a) => a.id !== excludeId).map((a) => ({ value: a.id, label: animalLabel(a) })),
    [query.data, excludeId],
  );
  return (
    <Select
      {...rest}
      searchable
      clearable
      nothingFoundMessage={query.isFetching ? "Searching…" : "No animal starts with that"}
      placeholder={customerId ? "Official ID, tag or name" : "Choose the farm first"}
      disabled={customerId === null || rest.disabled}
      data={withCurrent(options, value, labels[value ?? ""] ?? currentLabel)}
      value={value}
      searchValue={search.text}
      onSearchChange={search.setText}
      filter={({ options: all }) => all}
      onChange={(id, option) => {
        if (id && option) setLabels((l) => ({ ...l, [id]: option.label }));
        onChange(id);
      }}
    />
  );
}

export function BullPicker({ value, onChange, currentLabel, ...rest }: PickerProps) {
  const trpc = useTRPC();
  const search = useSearchText();
  const [labels, setLabels] = useState<Record<string, string>>({});
  const query = useQuery(
    trpc.bulls.list.queryOptions(
      { limit: 20, ...(search.debounced ? { search: search.debounced } : {}) },
      { placeholderData: keepPreviousData },
    ),
  );
  const options = useMemo(
    () => (query.data?.items ?? []).map((b) => ({ value: b.id, label: `${b.naabCode} · ${b.name} (${b.breed})` })),
    [query.data],
  );
  return (
    <Select
      {...rest}
      searchable
      clearable
      nothingFoundMessage={query.isFetching ? "Searching…" : "No bull matches"}
      placeholder="NAAB code, registration or name"
      data={withCurrent(options, value, labels[value ?? ""] ?? currentLabel)}
      value={value}
      searchValue={search.text}
      onSearchChange={search.setText}
      filter={({ options: all }) => all}
      onChange={(id, option) => {
        if (id && option) setLabels((l) => ({ ...l, [id]: option.label }));
        onChange(id);
      }}
    />
  );
}

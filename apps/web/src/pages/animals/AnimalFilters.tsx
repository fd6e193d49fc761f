// The list's filter bar. Every change goes to the URL (search.ts); the text search is debounced.
import { Button, Group, Select, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { ANIMAL_STATUSES, type AnimalStatus, type Sex } from "@reprotech/domain/schemas";
import { useEffect, useState } from "react";
import { breedOptions, SEX_LABELS, STATUS_LABELS } from "./labels";
import type { AnimalListSearch } from "./search";

interface AnimalFiltersProps {
  value: AnimalListSearch;
  onChange: (patch: Partial<AnimalListSearch>) => void;
  farmOptions: { value: string; label: string }[] | null;
}

export function AnimalFilters({ value, onChange, farmOptions }: AnimalFiltersProps) {
  const [text, setText] = useState(value.q ?? "");
  const [debounced] = useDebouncedValue(text.trim(), 300);
  // Back/forward or a link changed the URL: show its search.
  useEffect(() => setText(value.q ?? ""), [value.q]);
  useEffect(() => {
    if (debounced !== (value.q ?? "")) onChange({ q: debounced || undefined });
    // Only a settled edit writes the URL (not every render with a new onChange).
  }, [debounced]);
  const filtered = Object.keys(value).some((k) => k !== "sort" && k !== "order");

  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="animal-filters">
      <TextInput
        label="Search"
        placeholder="Official ID, tag or name starts with…"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        w={260}
        data-testid="animal-search"
      />
      {farmOptions && (
        <Select
          label="Farm"
          placeholder="All my farms"
          clearable
          searchable
          value={value.customer ?? null}
          onChange={(v) => onChange({ customer: v ?? undefined })}
          data={farmOptions}
          w={260}
          comboboxProps={{ width: 320 }}
          data-testid="farm-filter"
        />
      )}
      <Select
        label="Breed"
        placeholder="Any"
        clearable
        value={value.breed ?? null}
        onChange={(v) => onChange({ breed: (v as AnimalListSearch["breed"]) ?? undefined })}
        data={breedOptions}
        w={170}
      />
      <Select
        label="Sex"
        placeholder="Any"
        clearable
        value={value.sex ?? null}
        onChange={(v) => onChange({ sex: (v as Sex | null) ?? undefined })}
        data={Object.entries(SEX_LABELS).map(([v, label]) => ({ value: v, label }))}
        w={110}
      />
      <Select
        label="Status"
        placeholder="Any"
        clearable
        value={value.status ?? null}
        onChange={(v) => onChange({ status: (v as AnimalStatus | null) ?? undefined })}
        data={ANIMAL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
        w={120}
      />
      <TextInput
        label="Born from"
        type="date"
        value={value.bornFrom ?? ""}
        onChange={(e) => onChange({ bornFrom: e.currentTarget.value || undefined })}
        w={150}
      />
      <TextInput
        label="Born to"
        type="date"
        value={value.bornTo ?? ""}
        onChange={(e) => onChange({ bornTo: e.currentTarget.value || undefined })}
        w={150}
      />
      <Select
        label="Genotype"
        placeholder="Any"
        clearable
        value={value.genotype ?? null}
        onChange={(v) => onChange({ genotype: (v as "yes" | "no" | null) ?? undefined })}
        data={[
          { value: "yes", label: "Genotyped" },
          { value: "no", label: "Not genotyped" },
        ]}
        w={150}
      />
      {filtered && (
        <Button
          variant="subtle"
          onClick={() => {
            setText("");
            onChange({
              q: undefined,
              customer: undefined,
              breed: undefined,
              sex: undefined,
              status: undefined,
              bornFrom: undefined,
              bornTo: undefined,
              genotype: undefined,
            });
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}

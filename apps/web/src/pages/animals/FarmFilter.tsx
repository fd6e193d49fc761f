// The farm filter of the reading pages (rankings, distributions, upload history): shown only to staff
// who reach several farms (useFarms().needsPicker); cleared means all of their farms.
import { Select } from "@mantine/core";
import type { useFarms } from "./useFarms";

export function FarmFilter(props: {
  farms: ReturnType<typeof useFarms>;
  value: string | null;
  onChange: (farm: string | null) => void;
  testId: string;
  /** Shown as a visible label; without it the select is labelled for screen readers only. */
  label?: string;
  placeholder?: string;
  width?: number;
}) {
  if (!props.farms.needsPicker) return null;
  return (
    <Select
      label={props.label}
      aria-label={props.label ? undefined : "Farm"}
      placeholder={props.placeholder ?? "All my farms"}
      searchable
      clearable
      w={props.width ?? 240}
      data={props.farms.directory.options}
      value={props.value}
      onChange={props.onChange}
      data-testid={props.testId}
    />
  );
}

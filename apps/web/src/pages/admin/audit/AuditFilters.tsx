import { Button, Group, Select, TextInput } from "@mantine/core";

export interface AuditFilterValues {
  userId: string | null;
  customerId: string | null;
  /** Prefix: "users." matches users.create, users.update, … */
  action: string;
  result: "ok" | "denied" | "error" | null;
  /** datetime-local values, in the browser's time zone. */
  from: string;
  to: string;
}

export const emptyAuditFilters: AuditFilterValues = {
  userId: null,
  customerId: null,
  action: "",
  result: null,
  from: "",
  to: "",
};

interface Option {
  value: string;
  label: string;
}

interface Props {
  value: AuditFilterValues;
  onChange: (next: AuditFilterValues) => void;
  userOptions: Option[];
  /** null: the farm filter does not apply (customer roles see one farm). */
  customerOptions: Option[] | null;
}

export function AuditFilters({ value, onChange, userOptions, customerOptions }: Props) {
  const set = <K extends keyof AuditFilterValues>(key: K, v: AuditFilterValues[K]) => onChange({ ...value, [key]: v });
  const dirty = JSON.stringify(value) !== JSON.stringify(emptyAuditFilters);
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="audit-filters">
      <Select
        label="User"
        placeholder="Anyone"
        clearable
        searchable
        value={value.userId}
        onChange={(v) => set("userId", v)}
        data={userOptions}
        w={260}
      />
      {customerOptions && (
        <Select
          label="Farm"
          placeholder="Any farm"
          clearable
          searchable
          value={value.customerId}
          onChange={(v) => set("customerId", v)}
          data={customerOptions}
          w={240}
        />
      )}
      <TextInput
        label="Action starts with"
        placeholder="e.g. users. or auth.signIn"
        value={value.action}
        onChange={(e) => set("action", e.currentTarget.value)}
        w={200}
      />
      <Select
        label="Result"
        placeholder="Any"
        clearable
        value={value.result}
        onChange={(v) => set("result", v as AuditFilterValues["result"])}
        data={[
          { value: "ok", label: "OK" },
          { value: "denied", label: "Denied" },
          { value: "error", label: "Error" },
        ]}
        w={120}
      />
      <TextInput
        label="From"
        type="datetime-local"
        value={value.from}
        onChange={(e) => set("from", e.currentTarget.value)}
        w={200}
      />
      <TextInput
        label="To"
        type="datetime-local"
        value={value.to}
        onChange={(e) => set("to", e.currentTarget.value)}
        w={200}
      />
      {dirty && (
        <Button variant="subtle" onClick={() => onChange(emptyAuditFilters)}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}

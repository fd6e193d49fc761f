// Which column of the file feeds which field of an animal: the automatic guess (header synonyms,
// shared with the server), editable; required fields left unmapped are named.
import { Alert, Select, Table, Text } from "@mantine/core";
import {
  FIELD_LABELS,
  IMPORT_FIELDS,
  REQUIRED_FIELDS,
  suggestField,
  type ColumnMapping,
  type ImportField,
} from "@reprotech/domain/schemas";

const fieldOptions = [
  { value: "", label: "— ignore this column —" },
  ...IMPORT_FIELDS.map((f) => ({
    value: f,
    label: `${FIELD_LABELS[f]}${REQUIRED_FIELDS.includes(f) ? " *" : ""}`,
  })),
];

export function missingRequired(mapping: ColumnMapping): ImportField[] {
  const mapped = new Set(Object.values(mapping));
  return REQUIRED_FIELDS.filter((f) => !mapped.has(f));
}

export function duplicated(mapping: ColumnMapping): ImportField[] {
  const seen = new Map<ImportField, number>();
  for (const f of Object.values(mapping)) if (f) seen.set(f, (seen.get(f) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([f]) => f);
}

export function MappingTable({ mapping, onChange }: { mapping: ColumnMapping; onChange: (m: ColumnMapping) => void }) {
  const missing = missingRequired(mapping);
  const twice = duplicated(mapping);
  return (
    <>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={6} data-testid="import-mapping">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Column in the file</Table.Th>
              <Table.Th>Imported as</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {Object.entries(mapping).map(([header, field]) => {
              const hint = !field ? suggestField(header) : null;
              return (
                <Table.Tr key={header} data-testid="mapping-row" data-header={header}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {header || (
                        <Text span c="dimmed">
                          (no header)
                        </Text>
                      )}
                    </Text>
                    {hint && (
                      <Text size="xs" c="dimmed">
                        Did you mean “{hint.label}”?
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td w={280}>
                    <Select
                      aria-label={`Field for column ${header}`}
                      size="xs"
                      allowDeselect={false}
                      data={fieldOptions}
                      value={field ?? ""}
                      onChange={(v) => onChange({ ...mapping, [header]: (v || null) as ImportField | null })}
                      error={field && twice.includes(field) ? "Two columns feed this field" : undefined}
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {missing.length > 0 && (
        <Alert color="yellow" variant="light" title="Required fields without a column" data-testid="mapping-missing">
          {missing.map((f) => FIELD_LABELS[f]).join(", ")} — choose the column each comes from.
        </Alert>
      )}
    </>
  );
}

// A dry run's (or a refused commit's) report: the counts, then every row error — row number as the
// spreadsheet shows it (header = row 1), the column, the value found and why it cannot be imported —
// and the warnings, which do not stop the import.
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import type { ImportReport } from "../../../trpc";

const MAX_SHOWN = 1000;

function Count({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId} data-value={value}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz="xl" fw={700} c={color}>
        {value.toLocaleString("en-GB")}
      </Text>
    </Paper>
  );
}

type Issue = ImportReport["errors"][number];

function IssueTable({ issues, testId }: { issues: Issue[]; testId: string }) {
  const shown = issues.slice(0, MAX_SHOWN);
  return (
    <>
      <Table.ScrollContainer minWidth={720} mah={460} type="native">
        <Table striped verticalSpacing={4} stickyHeader data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>Row</Table.Th>
              <Table.Th w={160}>Column</Table.Th>
              <Table.Th w={200}>Value</Table.Th>
              <Table.Th>Reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((e, i) => (
              <Table.Tr key={i} data-testid={`${testId}-row`} data-row={e.row ?? ""}>
                <Table.Td>{e.row ?? "file"}</Table.Td>
                <Table.Td>{e.column ?? "—"}</Table.Td>
                <Table.Td ff="monospace" fz="xs" style={{ wordBreak: "break-all" }}>
                  {e.value === null ? (
                    "—"
                  ) : e.value === "" ? (
                    <Text span c="dimmed" fz="xs">
                      (empty)
                    </Text>
                  ) : (
                    e.value
                  )}
                </Table.Td>
                <Table.Td fz="sm">{e.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {issues.length > MAX_SHOWN && (
        <Text size="sm" c="dimmed">
          The first {MAX_SHOWN} of {issues.length} are shown.
        </Text>
      )}
    </>
  );
}

export function ImportReportView({ report }: { report: ImportReport }) {
  const badRows = new Set(report.errors.map((e) => e.row).filter((r) => r !== null)).size;
  return (
    <Stack gap="md" data-testid="import-report">
      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} spacing="sm">
        <Count label="Rows" value={report.counts.rows} testId="count-rows" />
        <Count
          label="New"
          value={report.counts.created}
          color={report.counts.created ? "teal" : undefined}
          testId="count-created"
        />
        <Count
          label="Updated"
          value={report.counts.updated}
          color={report.counts.updated ? "blue" : undefined}
          testId="count-updated"
        />
        <Count label="Unchanged" value={report.counts.unchanged} testId="count-unchanged" />
        <Count label="With errors" value={badRows} color={badRows ? "red" : undefined} testId="count-error-rows" />
        <Count
          label="Warnings"
          value={report.warnings.length}
          color={report.warnings.length ? "yellow.8" : undefined}
          testId="count-warnings"
        />
      </SimpleGrid>
      {report.errors.length > 0 && (
        <Stack gap="xs">
          <Group gap="xs">
            <Title order={4}>Errors</Title>
            <Badge color="red" variant="light">
              {report.errors.length}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            Nothing is imported while the file has errors. Correct these rows in the file and upload it again.
          </Text>
          <IssueTable issues={report.errors} testId="import-errors" />
        </Stack>
      )}
      {report.warnings.length > 0 && (
        <Stack gap="xs">
          <Group gap="xs">
            <Title order={4}>Warnings</Title>
            <Badge color="yellow" variant="light">
              {report.warnings.length}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            These do not stop the import.
          </Text>
          <IssueTable issues={report.warnings} testId="import-warnings" />
        </Stack>
      )}
    </Stack>
  );
}

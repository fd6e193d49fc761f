// One audit entry; expands to show the before/after snapshots, client address and detail.
import { ActionIcon, Badge, Code, Group, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { formatDateTime } from "../../../lib/format";
import type { AuditEntry } from "../../../trpc";

const RESULT_COLOR = { ok: "teal", denied: "orange", error: "red" } as const;

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <div>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
        {label}
      </Text>
      {value === null || value === undefined ? (
        <Text size="sm" c="dimmed">
          —
        </Text>
      ) : (
        <Code block style={{ maxHeight: 320, overflow: "auto", whiteSpace: "pre" }}>
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </div>
  );
}

interface Props {
  entry: AuditEntry;
  who: { name: string; detail?: string };
  farm: string | null;
}

export function AuditRow({ entry, who, farm }: Props) {
  const [open, setOpen] = useState(false);
  const columns = farm === null ? 6 : 7;
  return (
    <>
      <Table.Tr
        data-testid="audit-row"
        data-result={entry.result}
        style={{ cursor: "pointer" }}
        onClick={() => setOpen((o) => !o)}
      >
        <Table.Td>
          <ActionIcon
            variant="subtle"
            size="sm"
            aria-label={open ? "Hide details" : "Show details"}
            aria-expanded={open}
            onClick={(e) => {
              e.stopPropagation();
              setOpen((o) => !o);
            }}
          >
            {open ? "▾" : "▸"}
          </ActionIcon>
        </Table.Td>
        <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDateTime(entry.createdAt)}</Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace">
            {entry.action}
          </Text>
        </Table.Td>
        <Table.Td>
          <Badge size="sm" variant="light" color={RESULT_COLOR[entry.result]}>
            {entry.result}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm" title={who.detail}>
            {who.name}
          </Text>
        </Table.Td>
        {farm !== null && <Table.Td style={{ whiteSpace: "nowrap" }}>{farm}</Table.Td>}
        <Table.Td>
          <Text size="sm" c="dimmed" title={entry.targetId ?? undefined} style={{ whiteSpace: "nowrap" }}>
            {entry.targetType ? `${entry.targetType} ${(entry.targetId ?? "").slice(0, 8)}` : "—"}
          </Text>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={columns} p={0}>
            <Stack gap="sm" p="md" bg="var(--mantine-color-gray-0)" data-testid="audit-details">
              <Group gap="xl">
                <Text size="sm">
                  <b>IP</b> {entry.ip ?? "—"}
                </Text>
                <Text size="sm" lineClamp={1} style={{ maxWidth: 600 }}>
                  <b>Client</b> {entry.userAgent ?? "—"}
                </Text>
                {entry.detail && (
                  <Text size="sm">
                    <b>Detail</b> {entry.detail}
                  </Text>
                )}
              </Group>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                <Json label="Before" value={entry.before} />
                <Json label="After" value={entry.after} />
              </SimpleGrid>
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

// The upload history (genotypes.uploads.list): newest first, what the caller's scope sees, with
// status, counts and the error of a failed upload; each row opens the upload's page.
import { Badge, ScrollArea, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { formatDateTime } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { useCustomerDirectory } from "../admin/useCustomerDirectory";
import { FORMAT_LABEL, UPLOAD_STATUS } from "./labels";
import { formatBytes } from "./progress";

const HISTORY_LIMIT = 100;

export function UploadHistory({ customerId, showFarm }: { customerId?: string; showFarm: boolean }) {
  const trpc = useTRPC();
  const directory = useCustomerDirectory(showFarm);
  const uploads = useQuery(trpc.genotypes.uploads.list.queryOptions({ customerId, limit: HISTORY_LIMIT }));
  if (!uploads.data)
    return <QueryState error={uploads.error} isPending={uploads.isPending} onRetry={() => void uploads.refetch()} />;
  if (uploads.data.length === 0)
    return (
      <Text c="dimmed" data-testid="uploads-empty">
        No genotype files uploaded yet.
      </Text>
    );
  return (
    <ScrollArea>
      <Table striped highlightOnHover verticalSpacing="xs" miw={900} data-testid="upload-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Uploaded</Table.Th>
            <Table.Th>File</Table.Th>
            {showFarm && <Table.Th>Farm</Table.Th>}
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Samples</Table.Th>
            <Table.Th ta="right">Matched</Table.Th>
            <Table.Th ta="right">Stored</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {uploads.data.map((u) => (
            <Table.Tr key={u.id} data-testid="upload-row" data-upload={u.id} data-status={u.status}>
              <Table.Td>
                <RouterAnchor to="/genomics/uploads/$uploadId" params={{ uploadId: u.id }} size="sm">
                  {formatDateTime(new Date(u.createdAt))}
                </RouterAnchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{u.originalFileName}</Text>
                <Text size="xs" c="dimmed">
                  {FORMAT_LABEL[u.format]} · {formatBytes(u.byteSize)}
                </Text>
              </Table.Td>
              {showFarm && <Table.Td>{directory.nameOf(u.customerId)}</Table.Td>}
              <Table.Td>
                <Badge variant="light" color={UPLOAD_STATUS[u.status].color}>
                  {UPLOAD_STATUS[u.status].label}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{u.sampleCount ?? "—"}</Table.Td>
              <Table.Td ta="right">{u.matchedCount ?? "—"}</Table.Td>
              <Table.Td ta="right">{u.storedCount ?? "—"}</Table.Td>
              <Table.Td>
                <Text size="xs" c={u.errorMessage ? "red" : "dimmed"} lineClamp={2}>
                  {u.errorMessage ?? "—"}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

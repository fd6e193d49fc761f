// /genomics/uploads/$uploadId: one upload — file, farm, panel, status — with its processing (live
// while the job runs) and per-sample results. Another farm's upload answers NOT_FOUND from the
// server, shown as the not-found state.
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { formatDateTime } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { FORMAT_LABEL, UPLOAD_STATUS } from "./labels";
import { formatBytes } from "./progress";
import { UploadResults } from "./UploadResults";
import { useFarmName } from "./useFarmName";

const route = getRouteApi("/signed-in/genomics/uploads/$uploadId");

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function UploadDetailPage() {
  const trpc = useTRPC();
  const { uploadId } = route.useParams();
  const upload = useQuery(trpc.genotypes.uploads.get.queryOptions({ uploadId }));
  const panels = useQuery(trpc.genotypes.panels.list.queryOptions());
  const u = upload.data;
  const panel = panels.data?.find((p) => p.id === u?.panelId);
  const farmName = useFarmName(u?.customerId);
  return (
    <Stack gap="lg" maw={1300} data-testid="genotype-upload-detail">
      <RouterAnchor to="/genomics" size="sm">
        ← Genomics
      </RouterAnchor>
      <QueryState error={upload.error} isPending={upload.isPending} onRetry={() => void upload.refetch()} />
      {u && (
        <>
          <Group gap="sm">
            <Title order={2} data-testid="upload-file-name">
              {u.originalFileName}
            </Title>
            <Badge variant="light" color={UPLOAD_STATUS[u.status].color} data-testid="upload-status">
              {UPLOAD_STATUS[u.status].label}
            </Badge>
          </Group>
          <Card withBorder padding="lg">
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md">
              <Field label="Farm">{farmName}</Field>
              <Field label="Panel">{panel ? `${panel.name} v${panel.version}` : "—"}</Field>
              <Field label="Format">
                {FORMAT_LABEL[u.format]} · {formatBytes(u.byteSize)}
              </Field>
              <Field label="Uploaded">{formatDateTime(new Date(u.createdAt))}</Field>
              <Field label="SHA-256">
                <Text span ff="monospace" size="xs" title={u.sha256}>
                  {u.sha256.slice(0, 16)}…
                </Text>
              </Field>
            </SimpleGrid>
          </Card>
          <UploadResults customerId={u.customerId} uploadId={u.id} />
        </>
      )}
    </Stack>
  );
}

// What happens to an upload after its bytes arrived: the processing bar (live over SSE), then the
// counts and the per-sample table once the job completed. Used right after an upload on the upload
// page and on each upload's own page.
import { Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC, type UploadProgressEvent } from "../../trpc";
import { ProcessingProgress } from "./ProcessingProgress";
import { SampleResultsTable } from "./SampleResultsTable";

function Count({ label, value, testId }: { label: string; value: number | null; testId: string }) {
  return (
    <div data-testid={testId} data-value={value ?? ""}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={600}>{value ?? "—"}</Text>
    </div>
  );
}

export function UploadResults({ customerId, uploadId }: { customerId: string; uploadId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [final, setFinal] = useState<UploadProgressEvent | null>(null);
  // The counts come from the upload's row once the job is done: a manual assignment changes them later.
  const row = useQuery(
    trpc.genotypes.uploads.get.queryOptions({ uploadId }, { enabled: final?.phase === "completed" }),
  );
  const counts = row.data ?? final;
  const onState = (state: UploadProgressEvent) => {
    if (state.phase !== "completed" && state.phase !== "failed") return;
    setFinal(state);
    // The upload's row (status, counts) changed with the job: lists and the header read it again.
    void queryClient.invalidateQueries({ queryKey: trpc.genotypes.uploads.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.genotypes.uploads.get.queryKey({ uploadId }) });
  };
  return (
    <Stack gap="lg">
      <ProcessingProgress customerId={customerId} uploadId={uploadId} onState={onState} />
      {final?.phase === "completed" && (
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h4">
              Samples
            </Title>
          </Group>
          <SimpleGrid cols={{ base: 3 }} maw={480} mb="md">
            <Count label="Samples" value={counts?.sampleCount ?? null} testId="count-samples" />
            <Count label="Matched" value={counts?.matchedCount ?? null} testId="count-matched" />
            <Count label="Stored" value={counts?.storedCount ?? null} testId="count-stored" />
          </SimpleGrid>
          <SampleResultsTable customerId={customerId} uploadId={uploadId} panelId={row.data?.panelId} />
        </Card>
      )}
    </Stack>
  );
}

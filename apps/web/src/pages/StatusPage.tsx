// Live system status from system.status: version, modes, database, Redis, worker heartbeat.
import { Group, SimpleGrid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { formatRelative } from "../lib/time";
import { HealthBadge } from "../status/HealthBadge";
import { overallHealth, overallLabel, UNREACHABLE_LABEL } from "../status/health";
import { StatusCards } from "../status/StatusCards";
import { StatusError } from "../status/StatusError";
import { STATUS_REFRESH_MS, useSystemStatus } from "../status/useSystemStatus";

export function StatusPage() {
  const { query, data, worker, now, serverNow, receivedAt } = useSystemStatus();

  return (
    <Stack gap="lg" maw={1100} data-testid="status-page">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>System status</Title>
          <Text c="dimmed" size="sm" data-testid="status-updated" aria-live="polite">
            Live from the server, refreshed every {STATUS_REFRESH_MS / 1000} seconds
            {data ? ` · updated ${formatRelative(receivedAt, now)}` : ""}
          </Text>
        </div>
        {data && worker && (
          <HealthBadge
            health={query.isError ? "fail" : overallHealth(data, worker)}
            label={query.isError ? UNREACHABLE_LABEL : overallLabel[overallHealth(data, worker)]}
            size="xl"
            data-testid="status-overall"
          />
        )}
      </Group>

      {query.isError && (
        <StatusError
          error={query.error}
          retrying={query.isFetching}
          onRetry={() => void query.refetch()}
          stale={Boolean(data)}
        />
      )}

      {data && worker ? (
        // While the server is unreachable the last answer is shown as it was, not with clocks still ticking.
        <StatusCards
          status={data}
          worker={worker}
          serverNow={query.isError ? Date.parse(data.time) : serverNow}
          now={query.isError ? receivedAt : now}
          receivedAt={receivedAt}
        />
      ) : (
        query.isPending && <StatusSkeleton />
      )}
    </Stack>
  );
}

function StatusSkeleton() {
  return (
    <SimpleGrid
      cols={{ base: 1, md: 2 }}
      spacing="lg"
      aria-busy="true"
      aria-label="Loading status"
      data-testid="status-loading"
    >
      {[0, 1, 2, 3].map((i) => (
        <Skeleton key={i} height={170} radius="md" />
      ))}
    </SimpleGrid>
  );
}

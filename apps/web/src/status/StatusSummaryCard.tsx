// The dashboard's status card: one line per dependency, and the way to the full status page.
import { Card, Group, Loader, Text, Title } from "@mantine/core";
import { RouterButton } from "../layout/RouterLinks";
import { HealthBadge } from "./HealthBadge";
import { databaseHealth, overallHealth, overallLabel, redisHealth, UNREACHABLE_LABEL, workerHealth } from "./health";
import { useSystemStatus } from "./useSystemStatus";

export function StatusSummaryCard() {
  const { query, data, worker } = useSystemStatus();

  return (
    <Card withBorder padding="lg" data-testid="dashboard-status-card" component="section" aria-label="System status">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          System status
        </Title>
        {data && worker && !query.isError && (
          <HealthBadge
            health={overallHealth(data, worker)}
            label={overallLabel[overallHealth(data, worker)]}
            size="lg"
          />
        )}
        {query.isError && <HealthBadge health="fail" label={UNREACHABLE_LABEL} size="lg" />}
      </Group>

      {data && worker ? (
        <Group gap="lg">
          <Item label="Database" badge={<HealthBadge health={databaseHealth(data)} />} />
          <Item label="Cache & queues" badge={<HealthBadge health={redisHealth(data)} />} />
          <Item
            label="Worker"
            badge={<HealthBadge health={workerHealth(worker)} label={worker === "alive" ? "OK" : "No heartbeat"} />}
          />
          <Text size="sm" c="dimmed">
            Version {data.version}
          </Text>
        </Group>
      ) : query.isError ? (
        <Text size="sm" c="red">
          The server did not answer. The status page shows details and retries.
        </Text>
      ) : (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            Checking the server…
          </Text>
        </Group>
      )}

      <Group mt="md">
        <RouterButton to="/status" variant="light" size="xs" data-testid="dashboard-status-link">
          Open system status
        </RouterButton>
      </Group>
    </Card>
  );
}

function Item({ label, badge }: { label: string; badge: React.ReactNode }) {
  return (
    <Group gap={6}>
      <Text size="sm">{label}</Text>
      {badge}
    </Group>
  );
}

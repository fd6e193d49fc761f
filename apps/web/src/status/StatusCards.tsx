// The four status cards: service, database, cache & queues, worker.
import { Code, List, SimpleGrid, Text } from "@mantine/core";
import { formatDuration, formatRelative } from "../lib/time";
import type { SystemStatus } from "../trpc";
import {
  databaseHealth,
  databaseModeLabel,
  redisHealth,
  redisModeLabel,
  workerHealth,
  type WorkerState,
} from "./health";
import { Fact, StatusCard } from "./StatusCard";

const ms = (latency: number | null) =>
  latency === null ? "—" : `${latency < 10 ? latency.toFixed(1) : Math.round(latency)} ms`;

interface StatusCardsProps {
  status: SystemStatus;
  worker: WorkerState;
  /** Server clock now (epoch ms) and when this answer arrived (browser clock). */
  serverNow: number;
  now: number;
  receivedAt: number;
}

const workerLabel: Record<WorkerState, string> = { alive: "Running", late: "Late", missing: "No heartbeat" };

export function StatusCards({ status, worker, serverNow, now, receivedAt }: StatusCardsProps) {
  const uptime = status.uptimeSeconds + Math.max(0, (now - receivedAt) / 1000);
  const pending = status.database.pendingMigrations;
  const heartbeat = status.worker.lastHeartbeatAt;

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <StatusCard title="Service" testId="status-service">
        <Fact label="Version" testId="status-version">
          {status.version}
        </Fact>
        <Fact label="Uptime" testId="status-uptime">
          {formatDuration(uptime)}
        </Fact>
        <Fact label="Server time" title={status.time}>
          {new Date(serverNow).toLocaleTimeString()}
        </Fact>
      </StatusCard>

      <StatusCard
        title="Database"
        testId="status-database"
        health={databaseHealth(status)}
        badgeLabel={status.database.ok ? (pending.length ? "Migrations pending" : "OK") : "Failing"}
      >
        <Fact label="Mode" testId="status-database-mode">
          <span data-mode={status.mode.database}>{databaseModeLabel[status.mode.database]}</span>
        </Fact>
        <Fact label="Latency" testId="status-database-latency">
          {ms(status.database.latencyMs)}
        </Fact>
        <Fact label="Pending migrations" testId="status-pending-migrations">
          {pending.length === 0 ? "None" : pending.length}
        </Fact>
        {pending.length > 0 && (
          <List size="xs" spacing={2} aria-label="Pending migrations">
            {pending.map((name) => (
              <List.Item key={name}>
                <Code>{name}</Code>
              </List.Item>
            ))}
          </List>
        )}
        {status.database.detail && <Detail text={status.database.detail} />}
      </StatusCard>

      <StatusCard title="Cache & queues" testId="status-redis" health={redisHealth(status)}>
        <Fact label="Mode" testId="status-redis-mode">
          <span data-mode={status.mode.redis}>{redisModeLabel[status.mode.redis]}</span>
        </Fact>
        <Fact label="Latency" testId="status-redis-latency">
          {ms(status.redis.latencyMs)}
        </Fact>
        {status.redis.detail && <Detail text={status.redis.detail} />}
      </StatusCard>

      <StatusCard title="Worker" testId="status-worker" health={workerHealth(worker)} badgeLabel={workerLabel[worker]}>
        <Fact label="Last heartbeat" testId="status-worker-heartbeat" title={heartbeat ?? undefined}>
          {heartbeat ? formatRelative(Date.parse(heartbeat), serverNow) : "Never"}
        </Fact>
        <Fact label="Worker id">{status.worker.workerId ?? "—"}</Fact>
        {worker !== "alive" && (
          <Text size="xs" c="dimmed" mt={4}>
            Background jobs (genotype ingest, scoring, analytics roll-ups) wait until a worker reports in. Start one
            with
            <Code block mt={6}>
              pnpm --filter @reprotech/worker start
            </Code>
          </Text>
        )}
      </StatusCard>
    </SimpleGrid>
  );
}

function Detail({ text }: { text: string }) {
  return (
    <Text size="xs" c="red" style={{ overflowWrap: "anywhere" }}>
      {text}
    </Text>
  );
}

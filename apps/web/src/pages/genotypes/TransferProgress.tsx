// The first bar: how much of the file has left the browser (XMLHttpRequest upload events).
import { Progress, Stack, Text } from "@mantine/core";
import { formatBytes } from "./progress";

export interface Transfer {
  percent: number;
  loaded: number;
  total: number;
  done: boolean;
}

export function TransferProgress({ transfer }: { transfer: Transfer }) {
  return (
    <Stack
      gap={4}
      data-testid="transfer-progress"
      data-value={transfer.percent}
      data-state={transfer.done ? "done" : "sending"}
    >
      <Text size="sm" fw={600}>
        Transfer
      </Text>
      <Progress
        value={transfer.percent}
        size="lg"
        aria-label="Transfer progress"
        color={transfer.done ? "teal" : "blue"}
      />
      <Text size="xs" c="dimmed">
        {transfer.done
          ? `Uploaded ${formatBytes(transfer.total)}`
          : `Sending… ${transfer.percent} %${transfer.total ? ` of ${formatBytes(transfer.total)}` : ""}`}
      </Text>
    </Stack>
  );
}

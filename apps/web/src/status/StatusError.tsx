// Shown when system.status fails: what happened and a way to try again.
import { Alert, Button, Group, Text } from "@mantine/core";
import { httpStatusOf } from "../queryClient";

interface StatusErrorProps {
  error: unknown;
  retrying: boolean;
  onRetry: () => void;
  /** True when older data is still on screen below. */
  stale: boolean;
}

export function StatusError({ error, retrying, onRetry, stale }: StatusErrorProps) {
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const reason = status
    ? `The server answered with HTTP ${status}: ${message}`
    : `No answer from the server (${message}).`;
  return (
    <Alert color="red" variant="light" title="Cannot reach the Reprotech server" data-testid="status-error">
      <Text size="sm">{reason}</Text>
      <Text size="sm" c="dimmed" mt={4}>
        {stale ? "The figures below are the last ones received. " : ""}The page keeps trying every few seconds.
      </Text>
      <Group mt="sm">
        <Button size="xs" color="red" variant="outline" onClick={onRetry} loading={retrying}>
          Retry now
        </Button>
      </Group>
    </Alert>
  );
}

// The second bar: the ingest job's progress, live from the genotypes.uploads.progress subscription
// (server-sent events). The server sends the current state first and ends the stream after
// completed/failed; the last event stays on screen and is handed to the page (onState).
import { Alert, Progress, Stack, Text } from "@mantine/core";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { QueryState } from "../../components/QueryState";
import { useTRPC, type UploadProgressEvent } from "../../trpc";
import { processingCaption, processingPercent } from "./progress";

interface Props {
  customerId: string;
  uploadId: string;
  onState?: (state: UploadProgressEvent) => void;
}

export function ProcessingProgress({ customerId, uploadId, onState }: Props) {
  const trpc = useTRPC();
  const [state, setState] = useState<UploadProgressEvent | null>(null);
  const sub = useSubscription(
    trpc.genotypes.uploads.progress.subscriptionOptions(
      { customerId, uploadId },
      {
        onData: (event) => {
          setState(event);
          onState?.(event);
        },
      },
    ),
  );
  // A refusal before the stream opened (another farm's upload): the page's not-found state.
  if (!state && sub.error) return <QueryState error={sub.error} isPending={false} />;
  const percent = state ? processingPercent(state) : 0;
  const failed = state?.phase === "failed";
  return (
    <Stack gap={4} data-testid="processing-progress" data-phase={state?.phase ?? "connecting"} data-value={percent}>
      <Text size="sm" fw={600}>
        Processing
      </Text>
      <Progress
        value={failed ? 100 : percent}
        size="lg"
        color={failed ? "red" : percent === 100 ? "teal" : "blue"}
        striped={!failed && percent < 100}
        animated={!failed && percent < 100}
        aria-label="Processing progress"
      />
      <Text size="xs" c="dimmed">
        {state ? processingCaption(state) : "Connecting…"}
      </Text>
      {failed && state.errorMessage && (
        <Alert color="red" variant="light" title="The file could not be processed" data-testid="processing-error">
          {state.errorMessage}
        </Alert>
      )}
    </Stack>
  );
}

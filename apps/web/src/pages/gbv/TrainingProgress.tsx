// A training's live progress (gbv.training.progress, server-sent events): the current state first,
// then the job's events until completed/failed. Hands the final state to the page (to reload the model).
import { Alert, Progress, Stack, Text } from "@mantine/core";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { QueryState } from "../../components/QueryState";
import { useTRPC } from "../../trpc";
import { trainingCaption, trainingPercent } from "./labels";
import type { TrainingEvent } from "./types";

export function TrainingProgress({ modelId, onFinal }: { modelId: string; onFinal?: (e: TrainingEvent) => void }) {
  const trpc = useTRPC();
  const [state, setState] = useState<TrainingEvent | null>(null);
  const sub = useSubscription(
    trpc.gbv.training.progress.subscriptionOptions(
      { modelId },
      {
        onData: (event) => {
          setState(event);
          if (event.phase === "completed" || event.phase === "failed") onFinal?.(event);
        },
      },
    ),
  );
  if (!state && sub.error) return <QueryState error={sub.error} isPending={false} />;
  const percent = state ? trainingPercent(state) : 0;
  const failed = state?.phase === "failed";
  const running = !failed && percent < 100;
  return (
    <Stack gap={4} data-testid="training-progress" data-phase={state?.phase ?? "connecting"} data-value={percent}>
      <Text size="sm" fw={600}>
        Training
      </Text>
      <Progress
        value={percent}
        size="lg"
        color={failed ? "red" : percent === 100 ? "teal" : "blue"}
        striped={running}
        animated={running}
        aria-label="Training progress"
      />
      <Text size="xs" c="dimmed">
        {state ? trainingCaption(state) : "Connecting…"}
      </Text>
      {failed && state.errorMessage && (
        <Alert color="red" variant="light" title="Training failed" data-testid="training-error">
          {state.errorMessage}
        </Alert>
      )}
    </Stack>
  );
}

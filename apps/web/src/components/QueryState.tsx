// What a page shows instead of its data: loading, refused by the server (403 / 404), or failed.
// The refusal states are driven by the server's answer, never by what the navigation hides.
import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { errorMessage, refusalOf } from "../lib/errors";
import { RouterButton } from "../layout/RouterLinks";

export function RefusedState({ error }: { error: unknown }) {
  const refusal = refusalOf(error);
  const forbidden = refusal === "forbidden";
  return (
    <Stack gap="sm" maw={640} data-testid={forbidden ? "forbidden-state" : "not-found-state"} data-refusal={refusal}>
      <Title order={3}>{forbidden ? "Not allowed" : "Not found"}</Title>
      <Text c="dimmed">
        {forbidden
          ? "Your role does not allow this page. If you need it, ask an administrator."
          : "There is nothing here for you: it does not exist, or it belongs to another farm."}
      </Text>
      <Text size="sm" c="dimmed">
        The server said: {errorMessage(error)}
      </Text>
      <div>
        <RouterButton to="/" variant="default">
          Back to the dashboard
        </RouterButton>
      </div>
    </Stack>
  );
}

interface QueryStateProps {
  error: unknown;
  isPending: boolean;
  onRetry?: () => void;
}

/** Renders the loading / refused / failed state, or null when the data is there. */
export function QueryState({ error, isPending, onRetry }: QueryStateProps) {
  if (error) {
    if (refusalOf(error)) return <RefusedState error={error} />;
    return (
      <Alert color="red" variant="light" title="Could not load this page" data-testid="load-error">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Group mt="sm">
            <Button size="xs" variant="outline" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        )}
      </Alert>
    );
  }
  if (isPending)
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  return null;
}

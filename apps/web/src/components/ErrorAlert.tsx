// A server or network error, in words, where the action happened.
import { Alert } from "@mantine/core";
import { errorMessage } from "../lib/errors";

export function ErrorAlert({ error, title = "That did not work" }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-testid="error-alert">
      {errorMessage(error)}
    </Alert>
  );
}

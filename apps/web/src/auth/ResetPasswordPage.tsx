// /reset-password#token=… — the one-time link an administrator hands over. The token lives in the
// fragment, so it never reaches a server log or a Referer header; it is sent only in the tRPC call.
import { Alert, Button, PasswordInput, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "../components/ErrorAlert";
import { validate, type FieldErrors } from "../lib/validate";
import { useTRPC } from "../trpc";
import { newPasswordForm, PASSWORD_MAX, PASSWORD_MIN } from "./password";
import { PublicCard } from "./PublicCard";

function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("token");
  return token && token.length <= 100 ? token : null;
}

export function ResetPasswordPage() {
  const [token] = useState(() => tokenFromHash(window.location.hash));
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onSuccess: () => navigate({ to: "/sign-in", search: { notice: "password-set" }, replace: true }),
    }),
  );

  if (!token) {
    return (
      <PublicCard title="Set your password" testId="reset-password-page">
        <Alert color="red" variant="light" title="This link is incomplete">
          Open the full link you were given (it ends in <code>#token=…</code>), or ask an administrator for a new one.
        </Alert>
      </PublicCard>
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const result = validate(newPasswordForm, { newPassword, confirm });
    setErrors(result.errors);
    if (result.ok && token) reset.mutate({ token, newPassword: result.data.newPassword });
  }

  return (
    <PublicCard title="Set your password" testId="reset-password-page">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            Choose a password of {PASSWORD_MIN} to {PASSWORD_MAX} characters. A long phrase is easier to remember than a
            short jumble.
          </Text>
          <ErrorAlert error={reset.error} title="The password was not set" />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.currentTarget.value)}
            error={errors.newPassword}
            required
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
            required
          />
          <Button type="submit" loading={reset.isPending} fullWidth>
            Set password
          </Button>
        </Stack>
      </form>
    </PublicCard>
  );
}

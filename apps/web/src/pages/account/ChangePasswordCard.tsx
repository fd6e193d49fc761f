// Changing the password ends every session, this one included: afterwards you sign in again.
import { Button, Card, Group, PasswordInput, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { changePasswordForm, PASSWORD_MAX, PASSWORD_MIN } from "../../auth/password";
import { useEndSession } from "../../auth/useEndSession";
import { ErrorAlert } from "../../components/ErrorAlert";
import { validate, type FieldErrors } from "../../lib/validate";
import { useTRPC } from "../../trpc";

export function ChangePasswordCard() {
  const trpc = useTRPC();
  const endSession = useEndSession();
  const [values, setValues] = useState({ currentPassword: "", newPassword: "", confirm: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({ onSuccess: () => endSession("password-changed") }),
  );
  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const result = validate(changePasswordForm, values);
    setErrors(result.errors);
    if (result.ok)
      change.mutate({ currentPassword: result.data.currentPassword, newPassword: result.data.newPassword });
  }

  return (
    <Card withBorder padding="lg">
      <Title order={3} size="h4">
        Change password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {PASSWORD_MIN}–{PASSWORD_MAX} characters. Changing it signs you out everywhere, including here.
      </Text>
      <form onSubmit={submit} noValidate data-testid="change-password-form">
        <Stack gap="sm">
          <ErrorAlert error={change.error} title="The password was not changed" />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              value={values.currentPassword}
              onChange={set("currentPassword")}
              error={errors.currentPassword}
            />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              value={values.newPassword}
              onChange={set("newPassword")}
              error={errors.newPassword}
            />
            <PasswordInput
              label="Confirm new password"
              autoComplete="new-password"
              value={values.confirm}
              onChange={set("confirm")}
              error={errors.confirm}
            />
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

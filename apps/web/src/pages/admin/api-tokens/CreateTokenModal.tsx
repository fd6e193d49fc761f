// A new token: a name, permissions (only ones the creator holds: a token never exceeds its maker),
// an expiry. The secret is shown once, right here.
import { Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { PERMISSIONS, type Permission } from "@reprotech/core/permissions";
import { createApiTokenInput } from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useMe } from "../../../auth/me";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { OneTimeSecret } from "../../../components/OneTimeSecret";
import { formatDate } from "../../../lib/format";
import { serverFieldErrors } from "../../../lib/errors";
import { validate, type FieldErrors } from "../../../lib/validate";
import { useTRPC } from "../../../trpc";

const EXPIRY_DAYS = [7, 30, 90, 180, 365];

interface Props {
  customerId: string;
  farmName: string;
  onClose: () => void;
}

export function CreateTokenModal({ customerId, farmName, onClose }: Props) {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const grantable = PERMISSIONS.filter((p) => me.permissions.includes(p));
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<string[]>(grantable.filter((p) => p.endsWith(".read")));
  const [days, setDays] = useState("90");
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.apiTokens.pathFilter()),
    }),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    const result = validate(createApiTokenInput, {
      customerId,
      name,
      permissions: permissions as Permission[],
      expiresInDays: Number(days),
    });
    setErrors(result.errors);
    if (result.ok) create.mutate(result.data);
  }
  const fieldErrors = { ...serverFieldErrors(create.error), ...errors };

  if (create.data) {
    const { token, apiToken } = create.data;
    return (
      <Modal
        opened
        onClose={onClose}
        title={`Token “${apiToken.name}” created`}
        size="lg"
        centered
        closeOnClickOutside={false}
      >
        <Stack gap="md">
          <OneTimeSecret label="API token" value={token} testId="new-token-secret">
            <strong>Copy it now — you won&apos;t see it again.</strong> Reprotech keeps only a fingerprint of it. It
            expires on {formatDate(apiToken.expiresAt)}. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
          </OneTimeSecret>
          <Group justify="flex-end">
            <Button onClick={onClose}>I have copied it</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title={`New API token for ${farmName}`} size="lg" centered>
      <form onSubmit={submit} noValidate data-testid="token-form">
        <Stack gap="md">
          <ErrorAlert error={create.error} title="The token was not created" />
          <TextInput
            label="Name"
            description="What uses it, e.g. “Milking robot sync”."
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldErrors.name}
            required
          />
          <Checkbox.Group
            label="Permissions"
            description="Only permissions you hold yourself can be given."
            value={permissions}
            onChange={setPermissions}
            error={fieldErrors.permissions}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6} mt="xs">
              {grantable.map((p) => (
                <Checkbox
                  key={p}
                  value={p}
                  label={
                    <Text size="sm" ff="monospace">
                      {p}
                    </Text>
                  }
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Select
            label="Expires after"
            value={days}
            onChange={(v) => v && setDays(v)}
            data={EXPIRY_DAYS.map((d) => ({ value: String(d), label: d === 365 ? "1 year" : `${d} days` }))}
            allowDeselect={false}
            error={fieldErrors.expiresInDays}
            w={200}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

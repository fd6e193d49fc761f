// A new user: e-mail, name, role and — for customer roles — the farm. Nobody sets their password for
// them: the server issues a one-time link, shown here once.
import { Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import type { Role } from "@reprotech/core/permissions";
import { createUserInput } from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { isCustomerRole, useMe } from "../../../auth/me";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { serverFieldErrors } from "../../../lib/errors";
import { validate, type FieldErrors } from "../../../lib/validate";
import { useTRPC } from "../../../trpc";
import type { useCustomerDirectory } from "../useCustomerDirectory";
import { ResetLink } from "./ResetLink";
import { assignableRoles, roleOptions } from "./roles";

interface Props {
  directory: ReturnType<typeof useCustomerDirectory>;
  onClose: () => void;
}

export function UserCreateModal({ directory, onClose }: Props) {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roles = assignableRoles(me);
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>(roles.includes("customer_user") ? "customer_user" : roles[0]!);
  const [customerId, setCustomerId] = useState<string | null>(me.customerId);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.users.pathFilter()),
    }),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    const values = { email, displayName, role, ...(isCustomerRole(role) && customerId ? { customerId } : {}) };
    const result = validate(createUserInput, values);
    const errs = { ...result.errors };
    if (isCustomerRole(role) && !customerId) errs.customerId = "Choose the farm this person belongs to";
    setErrors(errs);
    if (result.ok && !errs.customerId) create.mutate(result.data);
  }
  const fieldErrors = { ...serverFieldErrors(create.error), ...errors };

  if (create.data) {
    const { user, reset } = create.data;
    return (
      <Modal opened onClose={onClose} title={`${user.displayName} was added`} size="lg" centered>
        <Stack gap="md">
          <ResetLink link={reset} who={user.displayName} />
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title="New user" size="lg" centered>
      <form onSubmit={submit} noValidate data-testid="user-create-form">
        <Stack gap="md">
          <ErrorAlert error={create.error} title="The user was not created" />
          <TextInput
            label="E-mail"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldErrors.email}
            required
          />
          <TextInput
            label="Name"
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={fieldErrors.displayName}
            required
          />
          <Select
            label="Role"
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            data={roleOptions(roles)}
            allowDeselect={false}
            error={fieldErrors.role}
          />
          {isCustomerRole(role) && me.customerId === null && (
            <Select
              label="Farm"
              placeholder="Choose a farm"
              searchable
              value={customerId}
              onChange={setCustomerId}
              data={directory.options}
              error={fieldErrors.customerId}
              required
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

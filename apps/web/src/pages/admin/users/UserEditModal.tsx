// Managing one user: name, role and status; farm assignments (vets/technicians, admins only);
// a fresh one-time password link.
import { Button, Divider, Group, Modal, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import type { Role } from "@reprotech/core/permissions";
import { updateUserInput } from "@reprotech/domain/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { isCustomerRole, useCan, useMe } from "../../../auth/me";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { serverFieldErrors } from "../../../lib/errors";
import { validate, type FieldErrors } from "../../../lib/validate";
import { useTRPC, type User } from "../../../trpc";
import type { useCustomerDirectory } from "../useCustomerDirectory";
import { AssignmentsEditor } from "./AssignmentsEditor";
import { ResetLink } from "./ResetLink";
import { assignableRoles, roleOptions, takesAssignments } from "./roles";

interface Props {
  user: User;
  directory: ReturnType<typeof useCustomerDirectory>;
  onClose: () => void;
}

export function UserEditModal({ user: initial, directory, onClose }: Props) {
  const me = useMe();
  const can = useCan();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: user = initial } = useQuery(
    trpc.users.get.queryOptions({ userId: initial.id }, { initialData: initial, staleTime: 0 }),
  );
  const roles = assignableRoles(me);
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [status, setStatus] = useState(user.status);
  const [customerId, setCustomerId] = useState<string | null>(user.customerId);
  const [errors, setErrors] = useState<FieldErrors>({});
  const invalidate = () => queryClient.invalidateQueries(trpc.users.pathFilter());
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: invalidate }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions());
  const self = user.id === me.userId;
  const needsFarm = isCustomerRole(role) && user.customerId === null;

  function submit(e: FormEvent) {
    e.preventDefault();
    const values = {
      userId: user.id,
      ...(displayName !== user.displayName ? { displayName } : {}),
      ...(role !== user.role ? { role } : {}),
      ...(status !== user.status ? { status } : {}),
      ...(needsFarm && customerId ? { customerId } : {}),
    };
    const result = validate(updateUserInput, values);
    const errs = { ...result.errors };
    if (needsFarm && !customerId) errs.customerId = "Choose the farm this person belongs to";
    setErrors(errs);
    if (result.ok && !errs.customerId) update.mutate(result.data);
  }
  const fieldErrors = { ...serverFieldErrors(update.error), ...errors };

  return (
    <Modal opened onClose={onClose} title={user.displayName} size="lg" centered>
      <Stack gap="lg" data-testid="user-edit">
        <Text size="sm" c="dimmed" mt={-8}>
          {user.email}
        </Text>
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <ErrorAlert error={update.error} title="The changes were not saved" />
            {update.isSuccess && (
              <Text size="sm" c="teal">
                Saved.
              </Text>
            )}
            <TextInput
              label="Name"
              value={displayName}
              onChange={(e) => setDisplayName(e.currentTarget.value)}
              error={fieldErrors.displayName}
            />
            <Group grow align="flex-start">
              <Select
                label="Role"
                value={role}
                onChange={(v) => v && setRole(v as Role)}
                data={roleOptions(roles.includes(user.role) ? roles : [user.role, ...roles])}
                allowDeselect={false}
                disabled={self}
                error={fieldErrors.role}
              />
              <Select
                label="Status"
                value={status}
                onChange={(v) => v && setStatus(v as typeof status)}
                data={[
                  { value: "active", label: "Active" },
                  { value: "disabled", label: "Disabled (cannot sign in)" },
                ]}
                allowDeselect={false}
                disabled={self}
              />
            </Group>
            {self && (
              <Text size="xs" c="dimmed">
                You cannot change your own role or status.
              </Text>
            )}
            {needsFarm && (
              <Select
                label="Farm"
                placeholder="Choose a farm"
                searchable
                value={customerId}
                onChange={setCustomerId}
                data={directory.options}
                error={fieldErrors.customerId}
              />
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={update.isPending}>
                Save changes
              </Button>
            </Group>
          </Stack>
        </form>

        {can("users.assign") && takesAssignments(user.role) && (
          <>
            <Divider />
            <AssignmentsEditor user={user} directory={directory} onSaved={invalidate} />
          </>
        )}

        <Divider />
        <Stack gap="xs">
          <Title order={4} size="h5">
            Password
          </Title>
          <Text size="sm" c="dimmed">
            Issue a one-time link with which {self ? "you" : "they"} can set a new password. Existing sessions stay
            signed in until the password is set.
          </Text>
          <ErrorAlert error={reset.error} title="No link was issued" />
          {reset.data ? (
            <ResetLink link={reset.data} who={user.displayName} />
          ) : (
            <Group>
              <Button variant="default" onClick={() => reset.mutate({ userId: user.id })} loading={reset.isPending}>
                Issue password link
              </Button>
            </Group>
          )}
        </Stack>
      </Stack>
    </Modal>
  );
}

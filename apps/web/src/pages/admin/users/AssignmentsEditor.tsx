// Which farms a veterinarian or technician works on. Only administrators (users.assign) see this.
import { Button, Group, MultiSelect, Stack, Text, Title } from "@mantine/core";
import { setAssignmentsInput } from "@reprotech/domain/schemas";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { validate } from "../../../lib/validate";
import { useTRPC, type User } from "../../../trpc";
import type { useCustomerDirectory } from "../useCustomerDirectory";

interface Props {
  user: User;
  directory: ReturnType<typeof useCustomerDirectory>;
  onSaved: () => void;
}

export function AssignmentsEditor({ user, directory, onSaved }: Props) {
  const trpc = useTRPC();
  const [selected, setSelected] = useState<string[]>(user.assignedCustomerIds);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(trpc.users.setAssignments.mutationOptions({ onSuccess: onSaved }));
  const changed =
    selected.length !== user.assignedCustomerIds.length ||
    selected.some((id) => !user.assignedCustomerIds.includes(id));
  // Assigned farms missing from the directory (more than one page) still show, by id.
  const data = [
    ...directory.options,
    ...selected
      .filter((id) => !directory.options.some((o) => o.value === id))
      .map((id) => ({ value: id, label: directory.nameOf(id) })),
  ];

  function submit() {
    const result = validate(setAssignmentsInput, { userId: user.id, customerIds: selected });
    setError(result.ok ? null : (Object.values(result.errors)[0] ?? null));
    if (result.ok) save.mutate(result.data);
  }

  return (
    <Stack gap="xs" data-testid="assignments-editor">
      <Title order={4} size="h5">
        Farm assignments
      </Title>
      <Text size="sm" c="dimmed">
        The farms this {user.role} works on. Changing them signs the user out, so the new set applies at once.
      </Text>
      <MultiSelect
        aria-label="Assigned farms"
        placeholder={selected.length ? undefined : "No farms"}
        searchable
        clearable
        data={data}
        value={selected}
        onChange={setSelected}
        error={error}
        maxDropdownHeight={260}
      />
      <ErrorAlert error={save.error} title="Assignments were not saved" />
      <Group justify="space-between">
        <Text size="sm" c={save.isSuccess && !changed ? "teal" : "dimmed"}>
          {save.isSuccess && !changed ? "Saved." : `${selected.length} farm(s)`}
        </Text>
        <Button onClick={submit} disabled={!changed} loading={save.isPending}>
          Save assignments
        </Button>
      </Group>
    </Stack>
  );
}

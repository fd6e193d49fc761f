// Sold, dead or culled on a date — or back to active. Validated by setAnimalStatusInput, the
// server's own schema; the server's refusal (e.g. the quota when reactivating) shows in the modal.
import { Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import { ANIMAL_STATUSES, latestAllowedDate, setAnimalStatusInput, type AnimalStatus } from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { serverFieldErrors } from "../../lib/errors";
import { validate, type FieldErrors } from "../../lib/validate";
import { useTRPC, type AnimalDetail } from "../../trpc";
import { STATUS_LABELS } from "./labels";

export function StatusModal({ animal, onClose }: { animal: AnimalDetail; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AnimalStatus>(animal.status === "active" ? "sold" : "active");
  const [date, setDate] = useState(() => new Date().toLocaleDateString("en-CA"));
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation(
    trpc.animals.setStatus.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.animals.pathKey() });
        onClose();
      },
    }),
  );
  const server = serverFieldErrors(mutation.error);
  const submit = () => {
    const input = {
      customerId: animal.customerId,
      animalId: animal.id,
      status,
      statusDate: status === "active" ? null : date,
    };
    const checked = validate(setAnimalStatusInput, input);
    setErrors(checked.errors);
    if (checked.ok) mutation.mutate(input);
  };
  return (
    <Modal opened onClose={onClose} title={`Status of ${animal.officialId}`} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack gap="md">
          <Select
            label="New status"
            allowDeselect={false}
            value={status}
            onChange={(v) => setStatus((v as AnimalStatus | null) ?? "active")}
            data={ANIMAL_STATUSES.filter((s) => s !== animal.status).map((s) => ({
              value: s,
              label: STATUS_LABELS[s],
            }))}
            error={errors.status ?? server.status}
          />
          {status !== "active" && (
            <TextInput
              label={`Date ${status}`}
              type="date"
              required
              min={animal.birthDate}
              max={latestAllowedDate()}
              value={date}
              onChange={(e) => setDate(e.currentTarget.value)}
              error={errors.statusDate ?? server.statusDate}
            />
          )}
          <ErrorAlert error={mutation.error} title="The server refused this" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="status-submit">
              Set status
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

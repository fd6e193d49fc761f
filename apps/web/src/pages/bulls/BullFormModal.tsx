// Add a bull to the AI catalogue or correct one (staff with bulls.manage). Validated by the
// catalogue's own schemas (createBullInput / updateBullInput): NAAB codes, registration numbers.
import { Button, Group, Modal, Select, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { createBullInput, updateBullInput } from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { serverFieldErrors } from "../../lib/errors";
import { validate, whenEmpty, type FieldErrors } from "../../lib/validate";
import { useTRPC, type Bull } from "../../trpc";
import { breedOptions } from "../animals/labels";

export function BullFormModal({ bull, onClose }: { bull?: Bull; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({
    naabCode: bull?.naabCode ?? "",
    sexedNaabCode: bull?.sexedNaabCode ?? "",
    registrationNumber: bull?.registrationNumber ?? "",
    name: bull?.name ?? "",
    breed: bull?.breed ?? null,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof typeof values, value: string | null) => setValues((v) => ({ ...v, [key]: value }));
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.bulls.pathKey() });
    // Pedigrees and parents show the bull's name and code.
    await queryClient.invalidateQueries({ queryKey: trpc.animals.pathKey() });
    onClose();
  };
  const create = useMutation(trpc.bulls.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.bulls.update.mutationOptions({ onSuccess }));
  const mutation = bull ? update : create;
  const server = serverFieldErrors(mutation.error);
  const errorOf = (f: string) => errors[f] ?? server[f];

  const submit = () => {
    const input = {
      naabCode: values.naabCode,
      sexedNaabCode: values.sexedNaabCode.trim() ? values.sexedNaabCode : null,
      registrationNumber: values.registrationNumber,
      name: values.name,
      breed: values.breed ?? "",
    };
    if (bull) {
      const checked = validate(updateBullInput, { ...input, bullId: bull.id });
      setErrors(whenEmpty(checked.errors, values, { breed: "Choose the breed" }));
      if (checked.ok) update.mutate({ ...input, bullId: bull.id });
    } else {
      const checked = validate(createBullInput, input);
      setErrors(whenEmpty(checked.errors, values, { breed: "Choose the breed" }));
      if (checked.ok) create.mutate(input);
    }
  };

  return (
    <Modal opened onClose={onClose} title={bull ? `Edit ${bull.name}` : "Add a bull"} size="lg" centered>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        data-testid="bull-form"
      >
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="NAAB code"
              required
              placeholder="7HO12345"
              value={values.naabCode}
              onChange={(e) => set("naabCode", e.currentTarget.value)}
              error={errorOf("naabCode")}
            />
            <TextInput
              label="Sexed-semen NAAB code"
              placeholder="507HO12345"
              value={values.sexedNaabCode}
              onChange={(e) => set("sexedNaabCode", e.currentTarget.value)}
              error={errorOf("sexedNaabCode")}
            />
            <TextInput
              label="Registration number"
              required
              placeholder="HOLUSAM000123456789"
              value={values.registrationNumber}
              onChange={(e) => set("registrationNumber", e.currentTarget.value)}
              error={errorOf("registrationNumber")}
            />
            <TextInput
              label="Name"
              required
              value={values.name}
              onChange={(e) => set("name", e.currentTarget.value)}
              error={errorOf("name")}
            />
            <Select
              label="Breed"
              required
              data={breedOptions}
              value={values.breed}
              onChange={(v) => set("breed", v)}
              error={errorOf("breed")}
            />
          </SimpleGrid>
          <ErrorAlert error={mutation.error} title="The server refused this" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="bull-form-submit">
              {bull ? "Save changes" : "Add bull"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

// Register an animal, or change one's record. Validated in the browser by the very zod schemas the
// server applies (createAnimalInput / updateAnimalInput from @reprotech/domain/schemas); what only the
// server can know (a duplicate official ID, a sire of the wrong sex, the farm's quota) comes back
// from it and shows next to its field, or above the buttons.
import {
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import {
  ANIMAL_STATUSES,
  createAnimalInput,
  latestAllowedDate,
  updateAnimalInput,
  type AnimalStatus,
  type Sex,
} from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { serverFieldErrors } from "../../lib/errors";
import { validate, whenEmpty, type FieldErrors } from "../../lib/validate";
import { useTRPC, type AnimalDetail } from "../../trpc";
import { breedOptions, SEX_LABELS, STATUS_LABELS } from "./labels";
import { AnimalPicker, BullPicker } from "./ParentPickers";
import { useFarms } from "./useFarms";

interface Values {
  customerId: string | null;
  officialId: string;
  herdTag: string;
  name: string;
  breed: string | null;
  sex: Sex | null;
  birthDate: string;
  status: AnimalStatus;
  statusDate: string;
  sireKind: "herd" | "bull";
  sireId: string | null;
  sireBullId: string | null;
  damId: string | null;
  recipientDamId: string | null;
  notes: string;
}

function initial(animal: AnimalDetail | undefined, customerId: string | null): Values {
  return {
    customerId: animal?.customerId ?? customerId,
    officialId: animal?.officialId ?? "",
    herdTag: animal?.herdTag ?? "",
    name: animal?.name ?? "",
    breed: animal?.breed ?? null,
    sex: animal?.sex ?? null,
    birthDate: animal?.birthDate ?? "",
    status: animal?.status ?? "active",
    statusDate: animal?.statusDate ?? "",
    sireKind: animal?.sireBullId ? "bull" : "herd",
    sireId: animal?.sireId ?? null,
    sireBullId: animal?.sireBullId ?? null,
    damId: animal?.damId ?? null,
    recipientDamId: animal?.recipientDamId ?? null,
    notes: animal?.notes ?? "",
  };
}

/** Form values → the server's input (the fields the schema expects, parents per the sire kind). */
function toInput(v: Values) {
  return {
    customerId: v.customerId ?? "",
    officialId: v.officialId,
    herdTag: v.herdTag,
    name: v.name,
    breed: v.breed ?? "",
    sex: v.sex ?? undefined,
    birthDate: v.birthDate,
    sireId: v.sireKind === "herd" ? v.sireId : null,
    sireBullId: v.sireKind === "bull" ? v.sireBullId : null,
    damId: v.damId,
    recipientDamId: v.recipientDamId,
    notes: v.notes,
  };
}

interface AnimalFormModalProps {
  /** Editing this animal; absent: registering a new one. */
  animal?: AnimalDetail;
  /** The farm a new animal joins (null: staff choose in the form). */
  customerId: string | null;
  onClose: () => void;
  onSaved?: (animal: { id: string }) => void;
}

export function AnimalFormModal({ animal, customerId, onClose, onSaved }: AnimalFormModalProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const farms = useFarms();
  const [values, setValues] = useState(() => initial(animal, customerId));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  const done = async (saved: { id: string }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.animals.pathKey() });
    onSaved?.(saved);
    onClose();
  };
  const create = useMutation(trpc.animals.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.animals.update.mutationOptions({ onSuccess: done }));
  const mutation = animal ? update : create;
  const server = serverFieldErrors(mutation.error);
  const errorOf = (field: string) => errors[field] ?? server[field];

  const EMPTY = {
    breed: "Choose the breed",
    sex: "Choose the sex",
    birthDate: "Enter the birth date",
    statusDate: "Enter the status date",
  };
  const submit = () => {
    const base = toInput(values);
    if (animal) {
      const checked = validate(updateAnimalInput, { ...base, animalId: animal.id });
      setErrors(whenEmpty(checked.errors, values, EMPTY));
      if (checked.ok) update.mutate({ ...base, animalId: animal.id, sex: values.sex ?? undefined });
    } else {
      const input = {
        ...base,
        status: values.status,
        statusDate: values.status === "active" ? null : values.statusDate || null,
      };
      const checked = validate(createAnimalInput, input);
      setErrors(whenEmpty(checked.errors, values, EMPTY));
      if (checked.ok) create.mutate(input as Parameters<typeof create.mutate>[0]);
    }
  };
  const farmId = values.customerId;
  const labels = {
    sire: animal?.sire ? animalLabel(animal.sire) : null,
    bull: animal?.sireBull ? `${animal.sireBull.naabCode} · ${animal.sireBull.name}` : null,
    dam: animal?.dam ? animalLabel(animal.dam) : null,
    recipient: animal?.recipientDam ? animalLabel(animal.recipientDam) : null,
  };

  return (
    <Modal opened onClose={onClose} title={animal ? `Edit ${animal.officialId}` : "New animal"} size="xl" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        noValidate
        data-testid="animal-form"
      >
        <Stack gap="md">
          {!animal && farms.staff && (
            <Select
              label="Farm"
              required
              searchable
              data={farms.directory.options}
              value={values.customerId}
              onChange={(v) => set("customerId", v)}
              error={errorOf("customerId") && "Choose the farm"}
            />
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Official ID"
              required
              placeholder="HO840003000000001"
              value={values.officialId}
              onChange={(e) => set("officialId", e.currentTarget.value)}
              error={errorOf("officialId")}
              styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            />
            <TextInput
              label="Herd tag"
              value={values.herdTag}
              onChange={(e) => set("herdTag", e.currentTarget.value)}
              error={errorOf("herdTag")}
            />
            <TextInput
              label="Name"
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
            <Select
              label="Sex"
              required
              data={Object.entries(SEX_LABELS).map(([value, label]) => ({ value, label }))}
              value={values.sex}
              onChange={(v) => set("sex", v as Sex | null)}
              error={errorOf("sex")}
            />
            <TextInput
              label="Birth date"
              required
              type="date"
              max={latestAllowedDate()}
              value={values.birthDate}
              onChange={(e) => set("birthDate", e.currentTarget.value)}
              error={errorOf("birthDate")}
            />
          </SimpleGrid>
          {!animal && (
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <Select
                label="Status"
                data={ANIMAL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
                value={values.status}
                onChange={(v) => set("status", (v as AnimalStatus | null) ?? "active")}
                allowDeselect={false}
                error={errorOf("status")}
              />
              {values.status !== "active" && (
                <TextInput
                  label="Status date"
                  required
                  type="date"
                  value={values.statusDate}
                  onChange={(e) => set("statusDate", e.currentTarget.value)}
                  error={errorOf("statusDate")}
                />
              )}
            </SimpleGrid>
          )}
          <Stack gap={6}>
            <Group justify="space-between" align="flex-end">
              <Text fw={600} size="sm">
                Sire
              </Text>
              <SegmentedControl
                size="xs"
                value={values.sireKind}
                onChange={(v) => set("sireKind", v as Values["sireKind"])}
                data={[
                  { value: "herd", label: "Herd sire" },
                  { value: "bull", label: "AI bull" },
                ]}
              />
            </Group>
            {values.sireKind === "herd" ? (
              <AnimalPicker
                aria-label="Herd sire"
                customerId={farmId}
                sex="male"
                excludeId={animal?.id}
                value={values.sireId}
                onChange={(v) => set("sireId", v)}
                currentLabel={labels.sire}
                error={errorOf("sireId")}
              />
            ) : (
              <BullPicker
                aria-label="AI bull"
                value={values.sireBullId}
                onChange={(v) => set("sireBullId", v)}
                currentLabel={labels.bull}
                error={errorOf("sireBullId")}
              />
            )}
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <AnimalPicker
              label="Dam"
              customerId={farmId}
              sex="female"
              excludeId={animal?.id}
              value={values.damId}
              onChange={(v) => set("damId", v)}
              currentLabel={labels.dam}
              error={errorOf("damId")}
            />
            <AnimalPicker
              label="ET recipient"
              description="The cow that carried an embryo-transfer calf"
              customerId={farmId}
              sex="female"
              excludeId={animal?.id}
              value={values.recipientDamId}
              onChange={(v) => set("recipientDamId", v)}
              currentLabel={labels.recipient}
              error={errorOf("recipientDamId")}
            />
          </SimpleGrid>
          <Textarea
            label="Notes"
            autosize
            minRows={2}
            maxRows={6}
            value={values.notes}
            onChange={(e) => set("notes", e.currentTarget.value)}
            error={errorOf("notes")}
          />
          {errors.form && <ErrorAlert error={new Error(errors.form)} title="Check the form" />}
          <ErrorAlert error={mutation.error} title="The server refused this" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="animal-form-submit">
              {animal ? "Save changes" : "Register animal"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function animalLabel(a: { officialId: string; name: string | null }): string {
  return a.name ? `${a.officialId} · ${a.name}` : a.officialId;
}

// Create a customer, or edit its name, tier, animal limit and research consent.
import {
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { createCustomerInput, TIER_FEATURES, TIERS, updateCustomerInput, type Tier } from "@reprotech/domain/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { serverFieldErrors } from "../../../lib/errors";
import { validate, type FieldErrors } from "../../../lib/validate";
import { useTRPC, type Customer } from "../../../trpc";

export function CustomerFormModal({ customer, onClose }: { customer: Customer | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(customer?.name ?? "");
  const [tier, setTier] = useState<Tier>(customer?.tier ?? "basic");
  const [maxAnimals, setMaxAnimals] = useState<number | string>(customer?.maxAnimals ?? 1000);
  const [researchConsent, setResearchConsent] = useState(customer?.researchConsent ?? false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const done = {
    onSuccess: async () => {
      await queryClient.invalidateQueries(trpc.customers.pathFilter());
      onClose();
    },
  };
  const create = useMutation(trpc.customers.create.mutationOptions(done));
  const update = useMutation(trpc.customers.update.mutationOptions(done));
  const mutation = customer ? update : create;

  function submit(e: FormEvent) {
    e.preventDefault();
    const values = { name, tier, maxAnimals: typeof maxAnimals === "number" ? maxAnimals : NaN, researchConsent };
    if (customer) {
      const result = validate(updateCustomerInput, { customerId: customer.id, ...values });
      setErrors(result.errors);
      if (result.ok) update.mutate(result.data);
    } else {
      const result = validate(createCustomerInput, values);
      setErrors(result.errors);
      if (result.ok) create.mutate(result.data);
    }
  }
  const fieldErrors = { ...serverFieldErrors(mutation.error), ...errors };

  return (
    <Modal opened onClose={onClose} title={customer ? `Edit ${customer.name}` : "New customer"} size="lg" centered>
      <form onSubmit={submit} noValidate data-testid="customer-form">
        <Stack gap="md">
          <ErrorAlert error={mutation.error} title="The customer was not saved" />
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldErrors.name}
            required
          />
          <div>
            <Text size="sm" fw={500} mb={4}>
              Tier
            </Text>
            <SegmentedControl
              value={tier}
              onChange={(v) => setTier(v as Tier)}
              data={TIERS.map((t) => ({ value: t, label: t[0]!.toUpperCase() + t.slice(1) }))}
              fullWidth
            />
            <Group gap={4} mt={6}>
              <Text size="xs" c="dimmed">
                Unlocks:
              </Text>
              {TIER_FEATURES[tier].map((f) => (
                <Badge key={f} size="xs" variant="light">
                  {f}
                </Badge>
              ))}
            </Group>
          </div>
          <NumberInput
            label="Maximum animals"
            value={maxAnimals}
            onChange={setMaxAnimals}
            min={1}
            max={1_000_000}
            thousandSeparator=","
            allowDecimal={false}
            error={fieldErrors.maxAnimals}
          />
          <Switch
            label="Research consent"
            description="Researchers may read this farm's anonymised data."
            checked={researchConsent}
            onChange={(e) => setResearchConsent(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {customer ? "Save" : "Create customer"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

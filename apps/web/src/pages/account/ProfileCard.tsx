import { Badge, Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { isCustomerRole, ROLE_LABELS, useMe } from "../../auth/me";
import { useTRPC } from "../../trpc";

function Field({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" data-testid={testId} component="div">
        {children}
      </Text>
    </div>
  );
}

export function ProfileCard() {
  const me = useMe();
  const trpc = useTRPC();
  const farm = useQuery(
    trpc.customers.get.queryOptions({ customerId: me.customerId ?? "" }, { enabled: me.customerId !== null }),
  );
  return (
    <Card withBorder padding="lg">
      <Title order={3} size="h4" mb="md">
        Profile
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <Field label="Name" testId="account-name">
          {me.displayName}
        </Field>
        <Field label="E-mail" testId="account-email">
          {me.email}
        </Field>
        <Field label="Role" testId="account-role">
          <Group gap={6}>
            <Badge variant="light">{ROLE_LABELS[me.role]}</Badge>
          </Group>
        </Field>
        <Field label={isCustomerRole(me.role) ? "Farm" : "Farms you work on"}>
          {me.customerId
            ? (farm.data?.name ?? "…")
            : me.role === "veterinarian" || me.role === "technician"
              ? `${me.assignedCustomerIds.length} assigned`
              : me.role === "researcher"
                ? "Farms with research consent (read-only)"
                : "All farms"}
        </Field>
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="md">
        Your name, e-mail and role are managed by an administrator.
      </Text>
    </Card>
  );
}

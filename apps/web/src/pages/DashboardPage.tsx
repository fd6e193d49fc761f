// The landing page: live system status at a glance, the shipped modules and those to come.
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { RouterButton } from "../layout/RouterLinks";
import { modules } from "../modules";
import { StatusSummaryCard } from "../status/StatusSummaryCard";

export function DashboardPage() {
  return (
    <Stack gap="xl" maw={1100} data-testid="dashboard-page">
      <div>
        <Title order={2}>Dashboard</Title>
        <Text c="dimmed" size="sm">
          Reproduction, genomics and laboratory work for our customer farms, in one place.
        </Text>
      </div>

      <StatusSummaryCard />

      <Stack gap="sm">
        <Title order={3} size="h4">
          Modules
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {modules.map((m) => (
            <Card key={m.id} withBorder padding="md" data-testid={`module-card-${m.id}`}>
              <Group justify="space-between" mb={6} wrap="nowrap">
                <Text fw={600}>{m.label}</Text>
                {!m.shipped && (
                  <Badge size="sm" variant="light" color="gray">
                    Coming soon
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>
                {m.summary}
              </Text>
              <Group mt="md">
                <RouterButton to={m.path} variant={m.shipped ? "light" : "subtle"} size="compact-sm">
                  {m.shipped ? `Open ${m.label}` : "What’s planned"}
                </RouterButton>
              </Group>
            </Card>
          ))}
        </SimpleGrid>
      </Stack>
    </Stack>
  );
}

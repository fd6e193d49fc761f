// The page of a module that is not built yet: what it will do, and a way back.
import { Badge, Card, Group, List, Stack, Text, Title } from "@mantine/core";
import { RouterButton } from "../layout/RouterLinks";
import type { ModuleInfo } from "../modules";

export function ComingSoonPage({ module }: { module: ModuleInfo }) {
  return (
    <Stack gap="lg" maw={720} data-testid={`coming-soon-${module.id}`}>
      <Group gap="sm">
        <Title order={2}>{module.label}</Title>
        <Badge variant="light" color="gray">
          Coming soon
        </Badge>
      </Group>
      <Card withBorder padding="lg">
        <Text fw={600} mb="xs">
          Coming with the {module.label} module
        </Text>
        <Text size="sm" c="dimmed" mb="md">
          {module.summary}
        </Text>
        <Text size="sm" mb={6}>
          Planned:
        </Text>
        <List size="sm" spacing={4}>
          {module.plans.map((plan) => (
            <List.Item key={plan}>{plan}</List.Item>
          ))}
        </List>
      </Card>
      <Group>
        <RouterButton to="/" variant="default">
          Back to the dashboard
        </RouterButton>
        <RouterButton to="/status" variant="subtle">
          System status
        </RouterButton>
      </Group>
    </Stack>
  );
}

import { Stack, Text, Title } from "@mantine/core";
import { useRouterState } from "@tanstack/react-router";
import { RouterButton } from "../layout/RouterLinks";

export function NotFoundPage() {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <Stack gap="md" maw={720} data-testid="not-found-page">
      <Title order={2}>Page not found</Title>
      <Text c="dimmed">
        There is no page at <code>{pathname}</code>.
      </Text>
      <div>
        <RouterButton to="/" variant="default">
          Back to the dashboard
        </RouterButton>
      </div>
    </Stack>
  );
}

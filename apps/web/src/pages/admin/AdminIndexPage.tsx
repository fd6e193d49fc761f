// /admin: the administration areas this user's role opens.
import { Card, SimpleGrid, Stack, Text } from "@mantine/core";
import { useMe } from "../../auth/me";
import { PageHeader } from "../../components/PageHeader";
import { RouterButton } from "../../layout/RouterLinks";
import { adminNavFor } from "../../navigation";

export function AdminIndexPage() {
  const me = useMe();
  const items = adminNavFor(me.permissions);
  return (
    <Stack gap="lg" maw={1100} data-testid="admin-index-page">
      <PageHeader title="Administration" description="Users, customer farms, API tokens and the audit log." />
      {items.length === 0 ? (
        <Text c="dimmed">Your role has no administration areas.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          {items.map((item) => (
            <Card key={item.id} withBorder padding="md">
              <Text fw={600}>{item.label}</Text>
              <Text size="sm" c="dimmed" mb="sm">
                {item.description}
              </Text>
              <div>
                <RouterButton to={item.path} variant="light" size="compact-sm">
                  Open {item.label.toLowerCase()}
                </RouterButton>
              </div>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

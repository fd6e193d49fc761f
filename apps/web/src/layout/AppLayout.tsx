// The shell around every page: header with the product name, navbar with the modules, main content.
import { AppShell, Badge, Burger, Group, ScrollArea, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Outlet, useRouterState } from "@tanstack/react-router";
import { useEffect } from "react";
import { modules } from "../modules";
import { HeaderStatus } from "../status/HeaderStatus";
import { RouterNavLink } from "./RouterLinks";

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  // On small screens the navbar is an overlay: close it after navigating.
  useEffect(() => close(), [pathname, close]);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 248, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h3" data-testid="product-name">
              Reprotech
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="md">
              Livestock reproduction &amp; genomics
            </Text>
          </Group>
          <HeaderStatus />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation" component="nav">
        <AppShell.Section grow component={ScrollArea}>
          <RouterNavLink
            to="/"
            label="Dashboard"
            activeOptions={{ exact: true }}
            activeProps={{ active: true }}
            data-testid="nav-dashboard"
          />
          {modules.map((m) => (
            <RouterNavLink
              key={m.id}
              to={m.path}
              label={m.label}
              activeProps={{ active: true }}
              data-testid={`nav-${m.id}`}
              rightSection={
                <Badge size="xs" variant="light" color="gray">
                  soon
                </Badge>
              }
            />
          ))}
        </AppShell.Section>
        <AppShell.Section pt="xs" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
          <RouterNavLink to="/status" label="System status" activeProps={{ active: true }} data-testid="nav-status" />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

// The shell around every signed-in page: header with the product name, status and account menu; navbar
// with the modules and — per permission — the Admin section; main content.
import { AppShell, Badge, Burger, Group, ScrollArea, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Outlet, useRouterState } from "@tanstack/react-router";
import { useEffect } from "react";
import { useMe } from "../auth/me";
import { UserMenu } from "../auth/UserMenu";
import { adminNavFor, mainNavFor } from "../navigation";
import { HeaderStatus } from "../status/HeaderStatus";
import { RouterNavLink } from "./RouterLinks";

const sectionLabel = { fz: "xs", fw: 700, c: "dimmed", tt: "uppercase", px: "sm", pt: "md", pb: 4 } as const;

export function AppLayout() {
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  // On small screens the navbar is an overlay: close it after navigating.
  useEffect(() => close(), [pathname, close]);
  const admin = adminNavFor(me.permissions);
  const main = mainNavFor(me.permissions);

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
          <Group gap="lg" wrap="nowrap">
            <HeaderStatus />
            <UserMenu />
          </Group>
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
          {main.map((m) => (
            <RouterNavLink
              key={m.id}
              to={m.path}
              label={m.label}
              activeProps={{ active: true }}
              data-testid={`nav-${m.id}`}
              rightSection={
                m.soon && (
                  <Badge size="xs" variant="light" color="gray">
                    soon
                  </Badge>
                )
              }
            />
          ))}
          {admin.length > 0 && (
            <div role="group" aria-labelledby="nav-admin-heading" data-testid="nav-admin-section">
              <Text id="nav-admin-heading" {...sectionLabel}>
                Admin
              </Text>
              {admin.map((item) => (
                <RouterNavLink
                  key={item.id}
                  to={item.path}
                  label={item.label}
                  activeProps={{ active: true }}
                  data-testid={`nav-admin-${item.id}`}
                />
              ))}
            </div>
          )}
        </AppShell.Section>
        <AppShell.Section pt="xs" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
          <RouterNavLink to="/account" label="My account" activeProps={{ active: true }} data-testid="nav-account" />
          <RouterNavLink to="/status" label="System status" activeProps={{ active: true }} data-testid="nav-status" />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

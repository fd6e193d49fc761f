// The header's account menu: who is signed in, My account, Sign out.
import { Avatar, Group, Menu, Text, UnstyledButton } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useTRPC } from "../trpc";
import { ROLE_LABELS, useMe } from "./me";
import { useEndSession } from "./useEndSession";

function initials(name: string): string {
  const parts = name
    .replace(/\(.*\)/, "")
    .trim()
    .split(/\s+/);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "")).toUpperCase();
}

export function UserMenu() {
  const me = useMe();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const endSession = useEndSession();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      // Even if the server could not be told, this browser leaves the session.
      onSettled: () => endSession("signed-out"),
    }),
  );

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label="Account menu" data-testid="user-menu">
          <Group gap="xs" wrap="nowrap">
            <Avatar size="sm" radius="xl" color="blue">
              {initials(me.displayName)}
            </Avatar>
            <div style={{ lineHeight: 1.1 }}>
              <Text size="sm" fw={500} visibleFrom="sm" data-testid="user-menu-name">
                {me.displayName}
              </Text>
              <Text size="xs" c="dimmed" visibleFrom="sm" data-testid="user-menu-role">
                {ROLE_LABELS[me.role]}
              </Text>
            </div>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.email}</Menu.Label>
        <Menu.Item onClick={() => void navigate({ to: "/account" })}>My account</Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => signOut.mutate()} disabled={signOut.isPending} data-testid="sign-out">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

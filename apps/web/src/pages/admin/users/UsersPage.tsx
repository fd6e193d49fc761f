// Users: filter by name/e-mail, role, status and (for staff) farm; create, edit, assign, reset password.
// Customer admins see and manage their own farm's people only — the server scopes every list.
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { ROLES, type Role } from "@reprotech/core/permissions";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ROLE_LABELS, useCan, useMe } from "../../../auth/me";
import { PageHeader } from "../../../components/PageHeader";
import { QueryState } from "../../../components/QueryState";
import { refusalOf } from "../../../lib/errors";
import { useTRPC, type User } from "../../../trpc";
import { LoadMore } from "../LoadMore";
import { useCustomerDirectory } from "../useCustomerDirectory";
import { takesAssignments } from "./roles";
import { UserCreateModal } from "./UserCreateModal";
import { UserEditModal } from "./UserEditModal";

const PAGE = 50;

export function UsersPage() {
  const trpc = useTRPC();
  const me = useMe();
  const can = useCan();
  const staff = me.customerId === null;
  // Farm names only matter to staff, who see people across farms.
  const directory = useCustomerDirectory(staff && can("customers.read"));
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [role, setRole] = useState<Role | null>(null);
  const [status, setStatus] = useState<"active" | "disabled" | null>(null);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);

  const list = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(
      {
        limit: PAGE,
        ...(debounced ? { search: debounced } : {}),
        ...(role ? { role } : {}),
        ...(status ? { status } : {}),
        ...(customerId ? { customerId } : {}),
      },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const refused = refusalOf(list.error) !== null;

  return (
    <Stack gap="lg" maw={1200} data-testid="users-page">
      <PageHeader
        title="Users"
        description={
          staff ? "Everyone who signs in to Reprotech." : "The people of your farm who sign in to Reprotech."
        }
        action={can("users.manage") && <Button onClick={() => setCreating(true)}>New user</Button>}
      />
      {!refused && (
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Name or e-mail"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={240}
          />
          <Select
            label="Role"
            placeholder="Any role"
            clearable
            value={role}
            onChange={(v) => setRole(v as Role | null)}
            data={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            w={180}
          />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            value={status}
            onChange={(v) => setStatus(v as "active" | "disabled" | null)}
            data={[
              { value: "active", label: "Active" },
              { value: "disabled", label: "Disabled" },
            ]}
            w={150}
          />
          {staff && can("customers.read") && (
            <Select
              label="Farm"
              placeholder="Any farm"
              clearable
              searchable
              value={customerId}
              onChange={setCustomerId}
              data={directory.options}
              w={260}
            />
          )}
        </Group>
      )}
      <QueryState error={list.error} isPending={list.isPending} onRetry={() => void list.refetch()} />
      {list.data && (
        <>
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>E-mail</Table.Th>
                  <Table.Th>Role</Table.Th>
                  {staff && <Table.Th>Farm</Table.Th>}
                  <Table.Th>Status</Table.Th>
                  {can("users.manage") && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((u) => (
                  <Table.Tr key={u.id} data-testid="user-row">
                    <Table.Td fw={500}>
                      {u.displayName}
                      {u.id === me.userId && (
                        <Text span size="xs" c="dimmed">
                          {" "}
                          (you)
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{u.email}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.customerId ? "orange" : "blue"}>
                        {ROLE_LABELS[u.role]}
                      </Badge>
                    </Table.Td>
                    {staff && (
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        {u.customerId
                          ? directory.nameOf(u.customerId)
                          : takesAssignments(u.role)
                            ? `${u.assignedCustomerIds.length} assigned`
                            : "—"}
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Badge variant="dot" color={u.status === "active" ? "teal" : "gray"}>
                          {u.status}
                        </Badge>
                        {!u.hasPassword && (
                          <Badge size="xs" variant="outline" color="yellow">
                            no password yet
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    {can("users.manage") && (
                      <Table.Td ta="right">
                        <Button size="compact-sm" variant="subtle" onClick={() => setEditing(u)}>
                          Manage
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onMore={() => void list.fetchNextPage()}
            shown={rows.length}
          />
        </>
      )}
      {creating && <UserCreateModal directory={directory} onClose={() => setCreating(false)} />}
      {editing && <UserEditModal user={editing} directory={directory} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

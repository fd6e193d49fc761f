import { Badge, Button, Group, Table, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmModal } from "../../../components/ConfirmModal";
import { formatDate, formatDateTime } from "../../../lib/format";
import { useTRPC, type ApiToken } from "../../../trpc";

function tokenState(t: ApiToken, now: number): { label: string; color: string } {
  if (t.revokedAt) return { label: "revoked", color: "gray" };
  if (t.expiresAt.getTime() <= now) return { label: "expired", color: "orange" };
  return { label: "active", color: "teal" };
}

export function TokenTable({ customerId, tokens }: { customerId: string; tokens: ApiToken[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useMutation(
    trpc.apiTokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.apiTokens.pathFilter());
        setRevoking(null);
      },
    }),
  );
  const now = Date.now();
  if (tokens.length === 0) return <Text c="dimmed">No tokens yet.</Text>;

  return (
    <>
      <Table.ScrollContainer minWidth={860}>
        <Table striped verticalSpacing="sm" data-testid="tokens-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Permissions</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.map((t) => {
              const state = tokenState(t, now);
              return (
                <Table.Tr key={t.id} data-testid="token-row">
                  <Table.Td fw={500}>{t.name}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {t.permissions.map((p) => (
                        <Badge key={p} size="xs" variant="light" tt="none">
                          {p}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{formatDate(t.createdAt)}</Table.Td>
                  <Table.Td>{formatDate(t.expiresAt)}</Table.Td>
                  <Table.Td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "Never"}</Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={state.color}>
                      {state.label}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">
                    {state.label === "active" && (
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(t)}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={revoking !== null}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        confirmLabel="Revoke token"
        loading={revoke.isPending}
        error={revoke.error}
        onClose={() => {
          revoke.reset();
          setRevoking(null);
        }}
        onConfirm={() => revoking && revoke.mutate({ customerId, id: revoking.id })}
      >
        Software using this token stops working immediately. This cannot be undone.
      </ConfirmModal>
    </>
  );
}

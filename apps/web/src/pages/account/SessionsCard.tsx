// Where I am signed in: this device marked, others revocable one by one, or all at once.
import { Badge, Button, Card, Group, Table, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useEndSession } from "../../auth/useEndSession";
import { ConfirmModal } from "../../components/ConfirmModal";
import { ErrorAlert } from "../../components/ErrorAlert";
import { QueryState } from "../../components/QueryState";
import { formatDateTime } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { describeUserAgent } from "./userAgent";

export function SessionsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endSession = useEndSession();
  const sessions = useQuery(trpc.auth.sessions.queryOptions(undefined, { staleTime: 0 }));
  const [confirmAll, setConfirmAll] = useState(false);
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() }),
    }),
  );
  const everywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: () => endSession("signed-out-everywhere") }),
  );

  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="md">
        <div>
          <Title order={3} size="h4">
            Sessions
          </Title>
          <Text size="sm" c="dimmed">
            Browsers signed in as you. End any you do not recognise.
          </Text>
        </div>
        <Button variant="outline" color="red" onClick={() => setConfirmAll(true)}>
          Sign out everywhere
        </Button>
      </Group>
      <ErrorAlert error={revoke.error} />
      <QueryState error={sessions.error} isPending={sessions.isPending} onRetry={() => void sessions.refetch()} />
      {sessions.data && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" data-testid="sessions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>IP address</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((s) => (
                <Table.Tr key={s.id} data-current={s.current || undefined}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm">{describeUserAgent(s.userAgent)}</Text>
                      {s.current && (
                        <Badge size="sm" color="teal" variant="light">
                          This device
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{s.ip ?? "—"}</Table.Td>
                  <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
                  <Table.Td>{formatDateTime(s.lastVerifiedAt)}</Table.Td>
                  <Table.Td>{formatDateTime(s.expiresAt)}</Table.Td>
                  <Table.Td ta="right">
                    {!s.current && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        loading={revoke.isPending && revoke.variables?.sessionId === s.id}
                        onClick={() => revoke.mutate({ sessionId: s.id })}
                      >
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={confirmAll}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        loading={everywhere.isPending}
        error={everywhere.error}
        onConfirm={() => everywhere.mutate()}
        onClose={() => setConfirmAll(false)}
      >
        Every session ends, this one included. You will need to sign in again on each device.
      </ConfirmModal>
    </Card>
  );
}

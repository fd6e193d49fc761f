// API tokens per customer farm. Customer admins manage their own farm's; staff choose the farm (the
// server lists only farms they reach and refuses the rest).
import { Button, Select, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useCan, useMe } from "../../../auth/me";
import { refusalOf } from "../../../lib/errors";
import { PageHeader } from "../../../components/PageHeader";
import { QueryState } from "../../../components/QueryState";
import { useTRPC } from "../../../trpc";
import { useCustomerDirectory } from "../useCustomerDirectory";
import { CreateTokenModal } from "./CreateTokenModal";
import { TokenTable } from "./TokenTable";

export function ApiTokensPage() {
  const me = useMe();
  const can = useCan();
  const trpc = useTRPC();
  const staff = me.customerId === null;
  const directory = useCustomerDirectory(staff);
  const [chosen, setChosen] = useState<string | null>(null);
  const customerId = me.customerId ?? chosen;
  const [creating, setCreating] = useState(false);
  const tokens = useQuery(
    trpc.apiTokens.list.queryOptions({ customerId: customerId ?? "" }, { enabled: customerId !== null }),
  );

  return (
    <Stack gap="lg" maw={1200} data-testid="api-tokens-page">
      <PageHeader
        title="API tokens"
        description="Tokens let farm software and scripts call the Reprotech API on a farm's behalf, with the permissions you give them."
        action={
          customerId &&
          can("apiTokens.manage") &&
          !refusalOf(tokens.error) && (
            <Button onClick={() => setCreating(true)} data-testid="new-token">
              New token
            </Button>
          )
        }
      />
      {staff && (
        <Select
          label="Farm"
          placeholder="Choose a farm"
          searchable
          value={chosen}
          onChange={setChosen}
          data={directory.options}
          w={340}
          data-testid="token-farm"
        />
      )}
      {staff && directory.query.error && <QueryState error={directory.query.error} isPending={false} />}
      {customerId === null ? (
        <Text c="dimmed">Choose a farm to see its tokens.</Text>
      ) : (
        <>
          <QueryState error={tokens.error} isPending={tokens.isPending} onRetry={() => void tokens.refetch()} />
          {tokens.data && <TokenTable customerId={customerId} tokens={tokens.data} />}
        </>
      )}
      {creating && customerId && (
        <CreateTokenModal
          customerId={customerId}
          farmName={staff ? directory.nameOf(customerId) : "your farm"}
          onClose={() => setCreating(false)}
        />
      )}
    </Stack>
  );
}

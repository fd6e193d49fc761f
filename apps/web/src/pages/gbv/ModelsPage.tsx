// /gbv/models (researchers and admins): every model per trait and panel with its status, and the two
// ways a model comes in — training here from phenotypes, importing published effects.
import { Badge, Card, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "../../auth/me";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { formatDateTime } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { ForbiddenModels } from "./ForbiddenModels";
import { GbvSections, useMayManageModels } from "./GbvSections";
import { ImportEffectsCard } from "./ImportEffectsCard";
import { MODEL_SOURCE, MODEL_STATUS } from "./labels";
import { TrainCard } from "./TrainCard";
import type { ModelSummary } from "./types";

export function ModelsPage() {
  const manage = useMayManageModels();
  if (!manage) return <ForbiddenModels />;
  return <Models />;
}

function ModelTable({ models }: { models: ModelSummary[] }) {
  if (models.length === 0)
    return (
      <Text c="dimmed" size="sm" data-testid="models-empty">
        No model yet: train one or import published effects below.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="models-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Trait</Table.Th>
            <Table.Th>Panel</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th ta="right">SNPs</Table.Th>
            <Table.Th ta="right">h²</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models.map((m) => (
            <Table.Tr key={m.id} data-testid="model-row" data-model-id={m.id} data-status={m.status}>
              <Table.Td>{m.traitName}</Table.Td>
              <Table.Td>{m.panelName}</Table.Td>
              <Table.Td>
                <RouterAnchor to="/gbv/models/$modelId" params={{ modelId: m.id }} size="sm">
                  v{m.version}
                </RouterAnchor>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={MODEL_STATUS[m.status].color}>
                  {MODEL_STATUS[m.status].label}
                </Badge>
              </Table.Td>
              <Table.Td>{MODEL_SOURCE[m.source]}</Table.Td>
              <Table.Td ta="right">{m.snpCount.toLocaleString("en-GB")}</Table.Td>
              <Table.Td ta="right">{m.heritability === null ? "—" : m.heritability.toFixed(2)}</Table.Td>
              <Table.Td>{formatDateTime(new Date(m.createdAt))}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Models() {
  const trpc = useTRPC();
  const can = useCan();
  const traits = useQuery(trpc.gbv.traits.list.queryOptions());
  const [traitId, setTraitId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const models = useQuery(
    trpc.gbv.models.list.queryOptions({
      traitId: traitId ?? undefined,
      status: (status as ModelSummary["status"] | null) ?? undefined,
    }),
  );
  return (
    <Stack gap="lg" maw={1300} data-testid="gbv-models-page">
      <PageHeader
        title="Genomic evaluations"
        description="SNP-effect models per trait and panel: train, inspect cross-validation, import, publish, retire."
      />
      <GbvSections active="models" />
      <Card withBorder padding="lg">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Title order={3} size="h4">
            Models
          </Title>
          <Group gap="sm">
            <Select
              placeholder="Every trait"
              aria-label="Trait"
              clearable
              w={200}
              data={(traits.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
              value={traitId}
              onChange={setTraitId}
            />
            <Select
              placeholder="Any status"
              aria-label="Status"
              clearable
              w={160}
              data={Object.entries(MODEL_STATUS).map(([value, s]) => ({ value, label: s.label }))}
              value={status}
              onChange={setStatus}
            />
          </Group>
        </Group>
        {models.data ? (
          <ModelTable models={models.data} />
        ) : (
          <QueryState error={models.error} isPending={models.isPending} onRetry={() => void models.refetch()} />
        )}
      </Card>
      {can("gbv.train") && <TrainCard />}
      {can("gbv.models.manage") && <ImportEffectsCard />}
    </Stack>
  );
}

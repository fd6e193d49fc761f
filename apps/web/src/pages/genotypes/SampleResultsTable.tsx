// An upload's per-sample results (genotypes.uploads.samples): sample ID, matched animal, outcome,
// call rate, heterozygosity, parentage and messages. Users with genotypes.upload assign an unmatched
// sample to an animal of the upload's farm (genotypes.uploads.assignSample); the genotype is then
// read again from the stored file on the server. Stored samples can be selected and their animals'
// genotypes exported as PLINK files.
import { Alert, Badge, Button, Checkbox, Group, ScrollArea, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "../../auth/me";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { errorMessage } from "../../lib/errors";
import { useTRPC, type SampleResult } from "../../trpc";
import { formatRate, OUTCOME } from "./labels";
import { GenotypeExportButton } from "./GenotypeExportButton";
import { ParentageCell } from "./ParentageCell";
import { SampleAnimalPicker } from "./SampleAnimalPicker";

interface Props {
  customerId: string;
  uploadId: string;
}

function AssignCell({ customerId, uploadId, sample }: Props & { sample: SampleResult }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [animalId, setAnimalId] = useState<string | null>(null);
  const assign = useMutation(
    trpc.genotypes.uploads.assignSample.mutationOptions({
      onSuccess: async () => {
        // The table, the upload's counts and any animal's genotype summary are now different.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.genotypes.uploads.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.genotypes.forAnimal.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.animals.pathKey() }),
        ]);
      },
    }),
  );
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        <SampleAnimalPicker
          customerId={customerId}
          value={animalId}
          onChange={setAnimalId}
          disabled={assign.isPending}
        />
        <Button
          size="xs"
          disabled={!animalId}
          loading={assign.isPending}
          onClick={() => animalId && assign.mutate({ customerId, uploadId, sampleId: sample.sampleId, animalId })}
          data-testid="assign-sample"
        >
          Assign
        </Button>
      </Group>
      {assign.error && (
        <Text size="xs" c="red" role="alert" data-testid="assign-error">
          {errorMessage(assign.error)}
        </Text>
      )}
    </Stack>
  );
}

export function SampleResultsTable({ customerId, uploadId, panelId }: Props & { panelId?: string }) {
  const trpc = useTRPC();
  const can = useCan();
  const samples = useQuery(trpc.genotypes.uploads.samples.queryOptions({ customerId, uploadId }));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const mayAssign = can("genotypes.upload");
  if (!samples.data) return <QueryState error={samples.error} isPending={samples.isPending} />;
  const unmatched = samples.data.filter((s) => s.outcome === "unmatched").length;
  // Only a stored sample has a genotype to export (its animal's, on this upload's panel).
  const exportable = samples.data.flatMap((s) => (s.outcome === "stored" && s.animalId ? [s.animalId] : []));
  const chosen = exportable.filter((id) => selected.has(id));
  const toggle = (animalId: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(animalId);
      else next.delete(animalId);
      return next;
    });
  return (
    <Stack gap="sm" data-testid="sample-results">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" data-testid="export-selection" data-value={chosen.length}>
          {chosen.length ? `${chosen.length} animals selected` : "Select stored samples to export their genotypes."}
        </Text>
        <GenotypeExportButton
          customerId={customerId}
          animalIds={chosen}
          panelId={panelId}
          label={`Export selected (${chosen.length})`}
        />
      </Group>
      {unmatched > 0 && (
        <Alert color="orange" variant="light" data-testid="unmatched-alert">
          {unmatched === 1 ? "1 sample matches" : `${unmatched} samples match`} no animal by official ID or herd tag.
          {mayAssign ? " Choose the animal it belongs to below." : " Lab staff can assign it to an animal."}
        </Alert>
      )}
      <ScrollArea>
        <Table striped highlightOnHover verticalSpacing="xs" miw={900}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={36}>
                <Checkbox
                  aria-label="Select all stored samples"
                  checked={exportable.length > 0 && chosen.length === exportable.length}
                  indeterminate={chosen.length > 0 && chosen.length < exportable.length}
                  disabled={exportable.length === 0}
                  onChange={(e) => setSelected(e.currentTarget.checked ? new Set(exportable) : new Set())}
                  data-testid="select-all-samples"
                />
              </Table.Th>
              <Table.Th>Sample ID</Table.Th>
              <Table.Th>Animal</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th ta="right">Call rate</Table.Th>
              <Table.Th ta="right">Heterozygosity</Table.Th>
              <Table.Th>Parentage</Table.Th>
              <Table.Th>Messages</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {samples.data.map((s) => (
              <Table.Tr key={s.sampleId} data-testid="sample-row" data-sample={s.sampleId} data-outcome={s.outcome}>
                <Table.Td>
                  {s.outcome === "stored" && s.animalId && (
                    <Checkbox
                      aria-label={`Select ${s.sampleId}`}
                      checked={selected.has(s.animalId)}
                      onChange={(e) => toggle(s.animalId!, e.currentTarget.checked)}
                      data-testid="select-sample"
                    />
                  )}
                </Table.Td>
                <Table.Td ff="monospace">{s.sampleId}</Table.Td>
                <Table.Td>
                  {s.animalId ? (
                    <RouterAnchor to="/animals/$animalId" params={{ animalId: s.animalId }} ff="monospace" size="sm">
                      {s.officialId ?? s.animalId}
                    </RouterAnchor>
                  ) : s.outcome === "unmatched" && mayAssign ? (
                    <AssignCell customerId={customerId} uploadId={uploadId} sample={s} />
                  ) : (
                    <Text span size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={OUTCOME[s.outcome].color}>
                    {OUTCOME[s.outcome].label}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: "nowrap" }} data-testid="sample-call-rate">
                  {formatRate(s.callRate, 2)}
                </Table.Td>
                <Table.Td ta="right">{formatRate(s.heterozygosity)}</Table.Td>
                <Table.Td>
                  {s.outcome === "stored" ? <ParentageCell sire={s.sireStatus} dam={s.damStatus} /> : "—"}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c={s.messages.length ? undefined : "dimmed"}>
                    {s.messages.length ? s.messages.join("; ") : "—"}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Stack>
  );
}

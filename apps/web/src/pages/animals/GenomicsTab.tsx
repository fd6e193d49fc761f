// The animal page's Genomics tab (genotypes.forAnimal): the current genotype per SNP panel — panel,
// date, call rate, heterozygosity, QC and parentage verdicts — and the earlier genotypes a newer
// upload replaced. Empty state when the animal has not been genotyped. The GBV panel goes in GbvSlot.
import { Badge, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { formatDateTime } from "../../lib/format";
import { useTRPC, type GenotypeEntry } from "../../trpc";
import { GenotypeExportButton } from "../genotypes/GenotypeExportButton";
import { formatRate, QC_STATUS } from "../genotypes/labels";
import { ParentageCell } from "../genotypes/ParentageCell";
import { GbvSlot } from "./GbvSlot";

function GenotypeTable({ rows, testId }: { rows: GenotypeEntry[]; testId: string }) {
  return (
    <Table striped verticalSpacing="xs" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Panel</Table.Th>
          <Table.Th>Genotyped</Table.Th>
          <Table.Th ta="right">Call rate</Table.Th>
          <Table.Th ta="right">Heterozygosity</Table.Th>
          <Table.Th>QC</Table.Th>
          <Table.Th>Parentage</Table.Th>
          <Table.Th>Upload</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((g) => (
          <Table.Tr key={g.id} data-testid="genotype-row" data-qc={g.qcStatus}>
            <Table.Td>
              {g.panelName} v{g.panelVersion}
            </Table.Td>
            <Table.Td>{formatDateTime(new Date(g.genotypedAt))}</Table.Td>
            <Table.Td ta="right" style={{ whiteSpace: "nowrap" }} data-testid="genotype-call-rate">
              {formatRate(g.callRate, 2)}
            </Table.Td>
            <Table.Td ta="right">{formatRate(g.heterozygosity)}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={QC_STATUS[g.qcStatus].color}>
                {QC_STATUS[g.qcStatus].label}
              </Badge>
            </Table.Td>
            <Table.Td>
              <ParentageCell sire={g.sireStatus} dam={g.damStatus} />
            </Table.Td>
            <Table.Td>
              <RouterAnchor to="/genomics/uploads/$uploadId" params={{ uploadId: g.uploadId }} size="sm">
                {g.originalFileName}
              </RouterAnchor>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function GenomicsTab({ animalId, customerId }: { animalId: string; customerId: string }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.genotypes.forAnimal.queryOptions({ animalId, customerId }));
  if (!summary.data)
    return <QueryState error={summary.error} isPending={summary.isPending} onRetry={() => void summary.refetch()} />;
  const { current, history } = summary.data;
  return (
    <Stack gap="lg" data-testid="genomics-tab">
      <Card withBorder padding="lg">
        <Group justify="space-between" align="flex-start" mb="sm">
          <Title order={3} size="h4">
            Genotypes
          </Title>
          {current.length > 0 && (
            // One animal's current genotype as PLINK files; with several panels, the newest one's.
            <GenotypeExportButton customerId={customerId} animalIds={[animalId]} panelId={current[0]!.panelId} />
          )}
        </Group>
        {current.length === 0 ? (
          <Text c="dimmed" data-testid="genomics-empty">
            Not genotyped yet. Once a lab uploads a SNP file with this animal&apos;s sample, its genotype, quality
            control and parentage checks show here.
          </Text>
        ) : (
          <GenotypeTable rows={current} testId="genotypes-current" />
        )}
        {history.length > 0 && (
          <>
            <Title order={4} size="h5" mt="lg" mb="xs">
              Earlier genotypes
            </Title>
            <GenotypeTable rows={history} testId="genotypes-history" />
          </>
        )}
      </Card>
      <GbvSlot animalId={animalId} customerId={customerId} genotypes={summary.data} />
    </Stack>
  );
}

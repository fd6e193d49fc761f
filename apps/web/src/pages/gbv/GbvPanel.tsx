// The animal's genomic breeding values (gbv.forAnimal): per trait the value with its unit, the
// reliability bar, percentile bars within breed and within the farm, the model version that produced
// it and the history chart; the animal's default selection index; the genomic report (PDF, REST route
// with the session cookie). Mounted in the Genomics tab through GbvSlot.
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "../../components/QueryState";
import { formatDateTime } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { AnimalIndexValue } from "./AnimalIndexValue";
import { PercentileBar, ReliabilityBar } from "./GbvBars";
import { GbvHistoryChart } from "./GbvHistoryChart";
import { formatGbv, reportUrl } from "./format";
import type { TraitGbv } from "./types";

function TraitCard({ trait }: { trait: TraitGbv }) {
  const p = trait.current;
  return (
    <Card withBorder padding="md" data-testid="gbv-trait" data-trait={trait.code}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text fw={600}>{trait.name}</Text>
            <Text size="xs" c="dimmed">
              {trait.higherIsBetter ? "Higher is better" : "Lower is better"}
            </Text>
          </div>
          {p && (
            <Badge variant="light" color="gray" data-testid="gbv-model-version">
              model v{p.modelVersion}
            </Badge>
          )}
        </Group>
        {p ? (
          <>
            <Text size="xl" fw={700} data-testid="gbv-value" data-value={p.value}>
              {formatGbv(p.value, trait.unit)}
            </Text>
            <ReliabilityBar reliability={p.reliability} />
            <PercentileBar label="Within breed" percentile={p.percentileBreed} testId="gbv-percentile-breed" />
            <PercentileBar label="Within the farm" percentile={p.percentileCustomer} testId="gbv-percentile-farm" />
            <Text size="xs" c="dimmed">
              Predicted {formatDateTime(new Date(p.predictedAt))}
            </Text>
            <GbvHistoryChart trait={trait} />
          </>
        ) : (
          <Text size="sm" c="dimmed" data-testid="gbv-no-value">
            No published model has scored this animal for {trait.name.toLowerCase()} yet.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

export function GbvPanel({
  animalId,
  customerId,
  genotyped,
}: {
  animalId: string;
  customerId: string;
  genotyped: boolean;
}) {
  const trpc = useTRPC();
  const gbv = useQuery(trpc.gbv.forAnimal.queryOptions({ animalId, customerId }));
  const scored = gbv.data?.traits.some((t) => t.current !== null) ?? false;
  return (
    <Card withBorder padding="lg" data-testid="gbv-panel">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={3} size="h4">
          Genomic breeding values
        </Title>
        {scored && (
          <Button
            component="a"
            href={reportUrl(animalId, customerId)}
            download
            variant="default"
            size="sm"
            data-testid="gbv-report-download"
          >
            Download genomic report (PDF)
          </Button>
        )}
      </Group>
      {!gbv.data ? (
        <QueryState error={gbv.error} isPending={gbv.isPending} onRetry={() => void gbv.refetch()} />
      ) : !scored ? (
        <Alert variant="light" color="gray" data-testid="gbv-empty">
          {genotyped
            ? "No genomic breeding values yet: they appear within seconds once a published model covers this animal's SNP panel."
            : "Not genotyped: genomic breeding values need a genotype of this animal."}
        </Alert>
      ) : (
        <Stack gap="md">
          <AnimalIndexValue animalId={animalId} customerId={customerId} />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {gbv.data.traits.map((t) => (
              <TraitCard key={t.traitId} trait={t} />
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Card>
  );
}

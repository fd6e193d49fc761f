// Cross-validation of a trained model: pooled predictive correlation and regression slope (observed on
// predicted: 1 = unbiased, < 1 = over-dispersed predictions), per-fold figures, and predicted vs
// observed for every record, each predicted by the fold that did not see it.
import "@mantine/charts/styles.css";
import { ScatterChart } from "@mantine/charts";
import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import type { CrossValidation } from "./cv";
import { formatCorrelation } from "./format";

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}

export function CvResults({ cv, unit }: { cv: CrossValidation; unit: string }) {
  return (
    <Stack gap="md" data-testid="cv-results">
      <Title order={3} size="h4">
        Cross-validation ({cv.folds} folds)
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure label="Predictive correlation" value={formatCorrelation(cv.correlation)} testId="cv-correlation" />
        <Figure label="Regression slope" value={formatCorrelation(cv.slope)} testId="cv-slope" />
        <Figure
          label="Mean correlation per fold"
          value={formatCorrelation(cv.meanFoldCorrelation)}
          testId="cv-mean-fold-correlation"
        />
      </SimpleGrid>
      {cv.pairs.length > 0 && (
        <div data-testid="cv-scatter" data-points={cv.pairs.length}>
          <Text size="sm" fw={600} mb={4}>
            Predicted vs observed ({cv.pairs.length} records)
          </Text>
          <ScatterChart
            h={340}
            data={[
              {
                name: "Records",
                color: "indigo.6",
                data: cv.pairs.map((p) => ({ predicted: p.predicted, observed: p.observed })),
              },
            ]}
            dataKey={{ x: "predicted", y: "observed" }}
            labels={{ x: "Predicted GEBV", y: "Observed (corrected)" }}
            valueFormatter={(v) => v.toFixed(1)}
            // Zoom on the points: observed phenotypes sit far from zero, predicted values near their mean.
            xAxisProps={{ domain: ["auto", "auto"] }}
            yAxisProps={{ domain: ["auto", "auto"] }}
            xAxisLabel={`Predicted (${unit})`}
            yAxisLabel={`Observed (${unit})`}
          />
        </div>
      )}
      {cv.perFold.length > 0 && (
        <Table striped verticalSpacing="xs" data-testid="cv-folds">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Fold</Table.Th>
              <Table.Th ta="right">Training</Table.Th>
              <Table.Th ta="right">Validation</Table.Th>
              <Table.Th ta="right">Correlation</Table.Th>
              <Table.Th ta="right">Slope</Table.Th>
              <Table.Th ta="right">Iterations</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cv.perFold.map((f) => (
              <Table.Tr key={f.fold}>
                <Table.Td>{f.fold}</Table.Td>
                <Table.Td ta="right">{f.nTraining}</Table.Td>
                <Table.Td ta="right">{f.nValidation}</Table.Td>
                <Table.Td ta="right">{formatCorrelation(f.correlation)}</Table.Td>
                <Table.Td ta="right">{formatCorrelation(f.slope)}</Table.Td>
                <Table.Td ta="right">
                  <Group gap={4} justify="flex-end">
                    {f.iterations}
                    {!f.converged && (
                      <Text span c="red" size="xs">
                        (not converged)
                      </Text>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

// The bars of one GBV: reliability (how much to trust the number) and the percentiles within the
// animal's breed and within its farm (higher = better, whatever the trait's direction).
import { Group, Progress, Stack, Text, Tooltip } from "@mantine/core";
import { percentileColor, percentileLabel, percentileWidth, reliabilityBand, reliabilityPercent } from "./format";

export function ReliabilityBar({ reliability }: { reliability: number }) {
  const pct = reliabilityPercent(reliability);
  const band = reliabilityBand(reliability);
  return (
    <Stack gap={2} data-testid="gbv-reliability" data-value={pct}>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          Reliability
        </Text>
        <Text size="xs" fw={600}>
          {pct} % ({band.label})
        </Text>
      </Group>
      <Progress value={pct} color={band.color} size="sm" aria-label={`Reliability ${pct} %`} />
    </Stack>
  );
}

export function PercentileBar({
  label,
  percentile,
  testId,
}: {
  label: string;
  percentile: number | null;
  testId: string;
}) {
  return (
    <Stack gap={2} data-testid={testId} data-value={percentile ?? ""}>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <Tooltip label={percentile === null ? "Not ranked" : `Percentile ${percentile.toFixed(1)}`}>
          <Text size="xs" fw={600}>
            {percentileLabel(percentile)}
          </Text>
        </Tooltip>
      </Group>
      <Progress
        value={percentileWidth(percentile)}
        color={percentileColor(percentile)}
        size="sm"
        aria-label={`${label} ${percentileLabel(percentile)}`}
      />
    </Stack>
  );
}

// One trait's predictions over time (every model version that scored the animal), oldest first.
import "@mantine/charts/styles.css";
import { LineChart } from "@mantine/charts";
import { Text } from "@mantine/core";
import { formatDate } from "../../lib/format";
import { formatGbv, historyPoints } from "./format";
import type { TraitGbv } from "./types";

export function GbvHistoryChart({ trait }: { trait: TraitGbv }) {
  const points = historyPoints(trait.current, trait.history).map((p) => ({
    ...p,
    when: `${formatDate(new Date(p.at))} · v${p.version}`,
  }));
  if (points.length < 2)
    return (
      <Text size="xs" c="dimmed" data-testid="gbv-history-empty">
        No earlier predictions: the history shows once a newer model scores this animal.
      </Text>
    );
  return (
    <LineChart
      h={140}
      data={points}
      dataKey="when"
      series={[{ name: "value", label: trait.name, color: "indigo.6" }]}
      valueFormatter={(v) => formatGbv(v, trait.unit)}
      curveType="linear"
      withDots
      data-testid="gbv-history-chart"
    />
  );
}

// The verdicts on a genotyped animal's recorded sire and dam, as two small badges.
import { Badge, Group, Text } from "@mantine/core";
import type { SampleResult } from "../../trpc";
import { VERDICT } from "./labels";

type Verdict = SampleResult["sireStatus"];

function One({ who, verdict }: { who: "Sire" | "Dam"; verdict: Verdict }) {
  if (!verdict)
    return (
      <Text span size="xs" c="dimmed">
        {who}: none recorded
      </Text>
    );
  const v = VERDICT[verdict];
  return (
    <Badge
      size="xs"
      variant="light"
      color={v.color}
      data-testid={`parentage-${who.toLowerCase()}`}
      data-verdict={verdict}
    >
      {who} {v.label}
    </Badge>
  );
}

export function ParentageCell({ sire, dam }: { sire: Verdict; dam: Verdict }) {
  return (
    <Group gap={4} wrap="nowrap">
      <One who="Sire" verdict={sire} />
      <One who="Dam" verdict={dam} />
    </Group>
  );
}

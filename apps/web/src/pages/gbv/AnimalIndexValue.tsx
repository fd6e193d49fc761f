// The animal's value on the default selection index. gbv.forAnimal answers traits only, so this asks
// gbv.ranking for the index narrowed by the animal's own farm, breed, sex and birth date (a handful of
// animals, the index computed by the server exactly as for the rankings) and picks the animal's row.
import { Group, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { formatGbv, percentileLabel, reliabilityPercent } from "./format";

export function AnimalIndexValue({ animalId, customerId }: { animalId: string; customerId: string }) {
  const trpc = useTRPC();
  const animal = useQuery(trpc.animals.get.queryOptions({ animalId }));
  const indexes = useQuery(trpc.gbv.indexes.list.queryOptions({ customerId }));
  const index = indexes.data?.find((i) => i.isDefault) ?? indexes.data?.[0];
  const a = animal.data;
  const ranking = useQuery(
    trpc.gbv.ranking.queryOptions(
      {
        customerId,
        indexId: index?.id,
        breed: a?.breed,
        sex: a?.sex,
        bornFrom: a?.birthDate,
        bornTo: a?.birthDate,
        limit: 500,
      },
      { enabled: index !== undefined && a !== undefined },
    ),
  );
  const row = ranking.data?.rows.find((r) => r.animalId === animalId);
  if (!index) return null;
  return (
    <Group gap="lg" data-testid="gbv-index" wrap="wrap">
      <Text size="sm" c="dimmed">
        {index.name}
      </Text>
      <Text fw={row ? 700 : 400} size={row ? "md" : "sm"} c={row ? undefined : "dimmed"} data-testid="gbv-index-value">
        {row ? formatGbv(row.value) : ranking.isPending ? "…" : "no value: not every trait of the index is scored yet"}
      </Text>
      {row && (
        <Text size="sm" c="dimmed">
          reliability {reliabilityPercent(row.reliability)} % · {percentileLabel(row.percentileCustomer)} of the farm
        </Text>
      )}
    </Group>
  );
}

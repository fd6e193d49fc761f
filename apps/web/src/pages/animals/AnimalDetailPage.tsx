// One animal: identity and status, parents (herd sire or AI bull with its NAAB code, dam, ET
// recipient), the pedigree inbreeding coefficient, the drawn pedigree (2–5 generations, in the URL),
// descendants and notes. Staff and the farm's users with animals.write edit it and change its status.
import {
  Badge,
  Button,
  Card,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState, type ReactNode } from "react";
import { useCan } from "../../auth/me";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { formatDateTime } from "../../lib/format";
import { useTRPC, type AnimalDetail } from "../../trpc";
import { AnimalFormModal } from "./AnimalFormModal";
import { DescendantsCard } from "./DescendantsCard";
import { DEFAULT_PEDIGREE_DEPTH, PEDIGREE_DEPTHS } from "./detailSearch";
import { GenomicsTab } from "./GenomicsTab";
import { breedLabel, formatInbreeding, SEX_LABELS, STATUS_COLORS, STATUS_LABELS } from "./labels";
import { PedigreeTree } from "./PedigreeTree";
import { StatusModal } from "./StatusModal";

const route = getRouteApi("/signed-in/animals/$animalId");

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

function AnimalLink({ a }: { a: { id: string; officialId: string; name: string | null } | null }) {
  if (!a)
    return (
      <Text span c="dimmed">
        Unknown
      </Text>
    );
  return (
    <>
      <RouterAnchor to="/animals/$animalId" params={{ animalId: a.id }} ff="monospace">
        {a.officialId}
      </RouterAnchor>
      {a.name && ` · ${a.name}`}
    </>
  );
}

function Parents({ animal }: { animal: AnimalDetail }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
      <Field label="Sire" testId="parent-sire">
        {animal.sireBull ? (
          <>
            <Badge size="xs" variant="filled" color="blue" mr={6}>
              AI
            </Badge>
            <RouterAnchor to="/bulls" search={{ q: animal.sireBull.naabCode }} ff="monospace">
              {animal.sireBull.naabCode}
            </RouterAnchor>
            {` · ${animal.sireBull.name}`}
          </>
        ) : (
          <AnimalLink a={animal.sire} />
        )}
      </Field>
      <Field label="Dam" testId="parent-dam">
        <AnimalLink a={animal.dam} />
      </Field>
      <Field label="ET recipient" testId="parent-recipient">
        {animal.recipientDam ? (
          <AnimalLink a={animal.recipientDam} />
        ) : (
          <Text span c="dimmed">
            None (not an embryo transfer)
          </Text>
        )}
      </Field>
    </SimpleGrid>
  );
}

export function AnimalDetailPage() {
  const trpc = useTRPC();
  const can = useCan();
  const { animalId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const depth = search.depth ?? DEFAULT_PEDIGREE_DEPTH;
  const [editing, setEditing] = useState(false);
  const [statusOpen, setStatusOpen] = useState(false);

  const detail = useQuery(trpc.animals.get.queryOptions({ animalId }));
  const animal = detail.data;
  const pedigree = useQuery(
    trpc.animals.pedigree.queryOptions(
      { animalId, customerId: animal?.customerId, depth },
      { enabled: animal !== undefined },
    ),
  );

  return (
    <Stack gap="lg" maw={1300} data-testid="animal-page">
      <RouterAnchor to="/animals" size="sm">
        ← Animals
      </RouterAnchor>
      <QueryState error={detail.error} isPending={detail.isPending} onRetry={() => void detail.refetch()} />
      {animal && (
        <>
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <div>
              <Group gap="sm" wrap="nowrap">
                <Title order={2} ff="monospace" data-testid="animal-official-id">
                  {animal.officialId}
                </Title>
                <Badge
                  variant="light"
                  color={STATUS_COLORS[animal.status]}
                  style={{ flexShrink: 0 }}
                  data-testid="animal-status"
                >
                  {STATUS_LABELS[animal.status]}
                  {animal.statusDate && ` ${animal.statusDate}`}
                </Badge>
              </Group>
              <Text c="dimmed" size="sm">
                {[
                  animal.name,
                  animal.herdTag && `tag ${animal.herdTag}`,
                  breedLabel(animal.breed),
                  SEX_LABELS[animal.sex],
                ]
                  .filter(Boolean)
                  .join(" · ")}
                {animal.customer && ` · ${animal.customer.name}`}
              </Text>
            </div>
            {can("animals.write") && (
              <Group gap="xs">
                <Button variant="default" onClick={() => setStatusOpen(true)} data-testid="change-status">
                  Change status
                </Button>
                <Button onClick={() => setEditing(true)} data-testid="edit-animal">
                  Edit
                </Button>
              </Group>
            )}
          </Group>

          <Card withBorder padding="lg">
            <Stack gap="md">
              <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
                <Field label="Official ID">
                  <Text span ff="monospace" size="sm">
                    {animal.officialId}
                  </Text>
                </Field>
                <Field label="Herd tag">{animal.herdTag ?? "—"}</Field>
                <Field label="Breed">
                  {animal.breed} ({breedLabel(animal.breed)})
                </Field>
                <Field label="Born">{animal.birthDate}</Field>
                <Field label="Offspring">{animal.offspringCount}</Field>
                <Field label="Inbreeding F" testId="inbreeding">
                  <Tooltip
                    label={`Pedigree coefficient (Meuwissen & Luo) over ${animal.knownAncestors} known ancestors`}
                    withArrow
                  >
                    <Text span size="sm" fw={600} c={animal.inbreeding >= 0.0625 ? "orange" : undefined}>
                      {formatInbreeding(animal.inbreeding)}
                    </Text>
                  </Tooltip>
                  <Text span size="xs" c="dimmed">
                    {" "}
                    ({animal.knownAncestors} ancestors)
                  </Text>
                </Field>
              </SimpleGrid>
              <Parents animal={animal} />
            </Stack>
          </Card>

          {/* Pedigree and family first; the Genomics tab (genotypes.forAnimal) loads when opened. */}
          <Tabs defaultValue="family" keepMounted={false}>
            <Tabs.List mb="md">
              <Tabs.Tab value="family" data-testid="tab-family">
                Pedigree &amp; family
              </Tabs.Tab>
              {can("genotypes.read") && (
                <Tabs.Tab value="genomics" data-testid="tab-genomics">
                  Genomics
                </Tabs.Tab>
              )}
            </Tabs.List>
            <Tabs.Panel value="family">
              <Stack gap="lg">
                <Card withBorder padding="lg" data-testid="pedigree-card">
                  <Group justify="space-between" mb="sm" wrap="wrap">
                    <Title order={3} size="h4">
                      Pedigree
                    </Title>
                    <Group gap="xs">
                      <Text size="sm" c="dimmed">
                        Generations
                      </Text>
                      <SegmentedControl
                        size="xs"
                        value={String(depth)}
                        onChange={(v) => void navigate({ search: { depth: Number(v) }, replace: true })}
                        data={PEDIGREE_DEPTHS.map((d) => String(d))}
                        data-testid="pedigree-depth"
                      />
                    </Group>
                  </Group>
                  <QueryState error={pedigree.error} isPending={pedigree.isPending} />
                  {pedigree.data && <PedigreeTree pedigree={pedigree.data} depth={depth} />}
                </Card>

                <DescendantsCard animalId={animal.id} customerId={animal.customerId} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="genomics">
              <GenomicsTab animalId={animal.id} customerId={animal.customerId} />
            </Tabs.Panel>
          </Tabs>

          <Card withBorder padding="lg">
            <Title order={3} size="h4" mb="xs">
              Notes
            </Title>
            <Text
              size="sm"
              style={{ whiteSpace: "pre-wrap" }}
              c={animal.notes ? undefined : "dimmed"}
              data-testid="animal-notes"
            >
              {animal.notes ?? "No notes."}
            </Text>
            <Text size="xs" c="dimmed" mt="md">
              Registered {formatDateTime(new Date(animal.createdAt))} · last changed{" "}
              {formatDateTime(new Date(animal.updatedAt))}
            </Text>
          </Card>

          {editing && (
            <AnimalFormModal animal={animal} customerId={animal.customerId} onClose={() => setEditing(false)} />
          )}
          {statusOpen && <StatusModal animal={animal} onClose={() => setStatusOpen(false)} />}
        </>
      )}
    </Stack>
  );
}

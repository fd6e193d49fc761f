// Training a model in the system (gbv.train): drop a phenotype file (CSV/XLSX: animal ID, trait, value,
// optional contemporary group / fixed effects) → gbv.training.uploadPhenotypes checks it whole and
// answers the records per trait; then pick the trait, the SNP panel, heritability and folds →
// gbv.training.start, and the model's page follows the job live.
import "@mantine/dropzone/styles.css";
import { Alert, Button, Card, Group, NumberInput, Select, Stack, Table, Text, Title } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useTRPC } from "../../trpc";
import type { PhenotypeUpload } from "./types";

export function TrainCard() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const traits = useQuery(trpc.gbv.traits.list.queryOptions());
  const panels = useQuery(trpc.genotypes.panels.list.queryOptions());
  const upload = useMutation(trpc.gbv.training.uploadPhenotypes.mutationOptions());
  const start = useMutation(
    trpc.gbv.training.start.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.gbv.models.pathKey() }),
    }),
  );
  const [uploaded, setUploaded] = useState<PhenotypeUpload | null>(null);
  const [traitCode, setTraitCode] = useState<string | null>(null);
  const [panelId, setPanelId] = useState<string | null>(null);
  const [heritability, setHeritability] = useState<number | string>("");
  const [folds, setFolds] = useState<number | string>(5);

  const send = (file: File) => {
    const form = new FormData();
    form.set("file", file, file.name);
    setUploaded(null);
    start.reset();
    upload.mutate(form, {
      onSuccess: (result) => {
        setUploaded(result);
        const first = result.set.traits[0]?.traitCode ?? null;
        setTraitCode(first);
        const t = traits.data?.find((x) => x.code === first);
        if (t) setHeritability(t.defaultHeritability);
      },
    });
  };
  const traitOf = (code: string) => traits.data?.find((t) => t.code === code);

  return (
    <Card withBorder padding="lg" data-testid="train-card">
      <Title order={3} size="h4" mb="xs">
        Train a model
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Phenotypes of genotyped animals on farms with research consent. At least 50 records per trait.
      </Text>
      <Stack gap="md">
        <Dropzone
          onDrop={(files) => files[0] && send(files[0])}
          multiple={false}
          loading={upload.isPending}
          data-testid="phenotype-dropzone"
          inputProps={{ "data-testid": "phenotype-file-input" } as React.InputHTMLAttributes<HTMLInputElement>}
        >
          <Stack gap={4} align="center" py="md" style={{ pointerEvents: "none" }}>
            <Text fw={600}>Drop the phenotype file here, or click to choose it</Text>
            <Text size="sm" c="dimmed">
              CSV or XLSX: animal ID, trait, value; optional contemporary group and fixed-effect columns.
            </Text>
          </Stack>
        </Dropzone>
        <ErrorAlert error={upload.error} title="Phenotype file refused" />
        {uploaded && (
          <Stack gap="xs" data-testid="phenotype-set" data-set-id={uploaded.set.id}>
            <Text size="sm">
              <b>{uploaded.set.originalFileName}</b>: {uploaded.set.recordCount} records from{" "}
              {uploaded.set.customerCount} farm(s)
              {uploaded.created ? "" : " (this file was uploaded before: using that set)"}.
            </Text>
            <Table verticalSpacing={4} withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Trait</Table.Th>
                  <Table.Th ta="right">Records</Table.Th>
                  <Table.Th ta="right">Mean</Table.Th>
                  <Table.Th ta="right">SD</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {uploaded.set.traits.map((t) => (
                  <Table.Tr key={t.traitCode}>
                    <Table.Td>{traitOf(t.traitCode)?.name ?? t.traitCode}</Table.Td>
                    <Table.Td ta="right">{t.records}</Table.Td>
                    <Table.Td ta="right">{t.mean.toFixed(2)}</Table.Td>
                    <Table.Td ta="right">{t.sd.toFixed(2)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group grow align="flex-start">
              <Select
                label="Trait"
                data={uploaded.set.traits.map((t) => ({
                  value: t.traitCode,
                  label: traitOf(t.traitCode)?.name ?? t.traitCode,
                }))}
                value={traitCode}
                onChange={(code) => {
                  setTraitCode(code);
                  const t = code ? traitOf(code) : undefined;
                  if (t) setHeritability(t.defaultHeritability);
                }}
                allowDeselect={false}
                data-testid="train-trait"
              />
              <Select
                label="SNP panel"
                placeholder="The chip the animals were genotyped on"
                data={(panels.data ?? []).map((p) => ({ value: p.id, label: `${p.name} v${p.version}` }))}
                value={panelId}
                onChange={setPanelId}
                data-testid="train-panel"
              />
              <NumberInput
                label="Heritability"
                min={0.01}
                max={0.99}
                step={0.05}
                decimalScale={3}
                value={heritability}
                onChange={setHeritability}
                data-testid="train-heritability"
              />
              <NumberInput
                label="CV folds"
                min={2}
                max={20}
                value={folds}
                onChange={setFolds}
                allowDecimal={false}
                data-testid="train-folds"
              />
            </Group>
            <ErrorAlert error={start.error} title="Training not started" />
            <Group justify="flex-end">
              <Button
                disabled={!traitCode || !panelId}
                loading={start.isPending}
                onClick={() => {
                  if (!traitCode || !panelId) return;
                  start.mutate(
                    {
                      phenotypeSetId: uploaded.set.id,
                      traitCode,
                      panelId,
                      heritability: typeof heritability === "number" ? heritability : undefined,
                      folds: typeof folds === "number" ? folds : undefined,
                    },
                    {
                      onSuccess: (started) =>
                        void navigate({ to: "/gbv/models/$modelId", params: { modelId: started.modelId } }),
                    },
                  );
                }}
                data-testid="train-start"
              >
                Start training
              </Button>
            </Group>
          </Stack>
        )}
        {panels.data?.length === 0 && (
          <Alert color="yellow" variant="light">
            No SNP panel is registered yet: models are trained per panel.
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

// Importing published marker effects (gbv.models.manage): trait, panel, the reference population's
// size (for Daetwyler reliabilities), optional heritability / intercept / description and the CSV or
// XLSX (SNP name, effect, effect allele) → gbv.models.import aligns it to the panel and answers what
// it kept and dropped; the new draft model opens from there.
import "@mantine/dropzone/styles.css";
import { Button, Card, Group, NumberInput, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { RouterButton } from "../../layout/RouterLinks";
import { useTRPC } from "../../trpc";
import { ImportReport } from "./ImportReport";

export function ImportEffectsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const traits = useQuery(trpc.gbv.traits.list.queryOptions());
  const panels = useQuery(trpc.genotypes.panels.list.queryOptions());
  const call = useMutation(
    trpc.gbv.models.import.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.gbv.models.pathKey() }),
    }),
  );
  const [traitId, setTraitId] = useState<string | null>(null);
  const [panelId, setPanelId] = useState<string | null>(null);
  const [referenceSize, setReferenceSize] = useState<number | string>("");
  const [heritability, setHeritability] = useState<number | string>("");
  const [intercept, setIntercept] = useState<number | string>("");
  const [description, setDescription] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const ready = traitId && panelId && typeof referenceSize === "number" && file && !call.isPending;

  const submit = () => {
    if (!ready) return;
    const form = new FormData();
    form.set("traitId", traitId);
    form.set("panelId", panelId);
    form.set("referenceSize", String(referenceSize));
    if (typeof heritability === "number") form.set("heritability", String(heritability));
    if (typeof intercept === "number") form.set("intercept", String(intercept));
    if (description.trim()) form.set("description", description.trim());
    form.set("file", file, file.name);
    call.mutate(form);
  };

  return (
    <Card withBorder padding="lg" data-testid="import-card">
      <Title order={3} size="h4" mb="xs">
        Import marker effects
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Published SNP effects (CSV or XLSX: SNP name, effect, effect allele), aligned to the panel by name and allele.
      </Text>
      <Stack gap="sm">
        <Group grow align="flex-start">
          <Select
            label="Trait"
            data={(traits.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
            value={traitId}
            onChange={setTraitId}
            data-testid="import-trait"
          />
          <Select
            label="SNP panel"
            data={(panels.data ?? []).map((p) => ({ value: p.id, label: `${p.name} v${p.version}` }))}
            value={panelId}
            onChange={setPanelId}
            data-testid="import-panel"
          />
          <NumberInput
            label="Reference animals"
            description="Behind the effects"
            min={1}
            allowDecimal={false}
            value={referenceSize}
            onChange={setReferenceSize}
            data-testid="import-reference-size"
          />
        </Group>
        <Group grow align="flex-start">
          <NumberInput
            label="Heritability"
            description="Optional: the trait's default"
            min={0.01}
            max={0.99}
            decimalScale={3}
            value={heritability}
            onChange={setHeritability}
          />
          <NumberInput label="Intercept" description="Optional" value={intercept} onChange={setIntercept} />
          <TextInput
            label="Description"
            description="Optional: source, evaluation run"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
        </Group>
        <Dropzone
          onDrop={(files) => files[0] && setFile(files[0])}
          multiple={false}
          data-testid="effects-dropzone"
          inputProps={{ "data-testid": "effects-file-input" } as React.InputHTMLAttributes<HTMLInputElement>}
        >
          <Stack gap={2} align="center" py="sm" style={{ pointerEvents: "none" }}>
            <Text fw={600}>{file ? file.name : "Drop the effects file here, or click to choose it"}</Text>
          </Stack>
        </Dropzone>
        <ErrorAlert error={call.error} title="Effects file refused" />
        <Group justify="flex-end">
          <Button disabled={!ready} loading={call.isPending} onClick={submit} data-testid="import-submit">
            Import
          </Button>
        </Group>
        {call.data && (
          <Stack gap="xs" data-testid="import-result">
            <Text size="sm">Draft model version {call.data.version} created.</Text>
            <ImportReport report={call.data.report} />
            <div>
              <RouterButton
                to="/gbv/models/$modelId"
                params={{ modelId: call.data.modelId }}
                variant="default"
                size="xs"
              >
                Open the model
              </RouterButton>
            </div>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

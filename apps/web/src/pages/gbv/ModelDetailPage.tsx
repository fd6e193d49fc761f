// /gbv/models/$modelId (researchers and admins): one model — trait, panel, version, status and
// provenance; a training's live progress while it runs, then its cross-validation (correlation, slope,
// predicted vs observed) and fit facts; an import's report; publish (draft → published, the trait's
// published model on the panel retired, every genotyped animal re-scored) and retire, each confirmed.
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { useCan } from "../../auth/me";
import { ConfirmModal } from "../../components/ConfirmModal";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor } from "../../layout/RouterLinks";
import { formatDateTime } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { parseCrossValidation, trainingFacts } from "./cv";
import { CvResults } from "./CvResults";
import { ForbiddenModels } from "./ForbiddenModels";
import { useMayManageModels } from "./GbvSections";
import { ImportReport, importReportOf } from "./ImportReport";
import { MODEL_SOURCE, MODEL_STATUS } from "./labels";
import { TrainingProgress } from "./TrainingProgress";
import type { ModelDetail } from "./types";

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
}

function Lifecycle({ model }: { model: ModelDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState<"publish" | "retire" | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.gbv.pathKey() });
  const publish = useMutation(trpc.gbv.models.publish.mutationOptions({ onSuccess: refresh }));
  const retire = useMutation(trpc.gbv.models.retire.mutationOptions({ onSuccess: refresh }));
  const busy = confirm === "publish" ? publish : retire;
  return (
    <>
      <Group gap="sm">
        {model.status === "draft" && (
          <Button color="teal" onClick={() => setConfirm("publish")} data-testid="model-publish">
            Publish
          </Button>
        )}
        {model.status === "published" && (
          <Button color="red" variant="outline" onClick={() => setConfirm("retire")} data-testid="model-retire">
            Retire
          </Button>
        )}
      </Group>
      <ConfirmModal
        opened={confirm !== null}
        title={
          confirm === "publish"
            ? `Publish ${model.traitName} v${model.version}?`
            : `Retire ${model.traitName} v${model.version}?`
        }
        confirmLabel={confirm === "publish" ? "Publish" : "Retire"}
        color={confirm === "publish" ? "teal" : "red"}
        loading={busy.isPending}
        error={busy.error}
        onClose={() => {
          setConfirm(null);
          publish.reset();
          retire.reset();
        }}
        onConfirm={() => {
          const run = confirm === "publish" ? publish : retire;
          run.mutate({ modelId: model.id }, { onSuccess: () => setConfirm(null) });
        }}
      >
        {confirm === "publish"
          ? `Every animal genotyped on ${model.panelName}, on every farm, will be scored with this model, and the ${model.traitName.toLowerCase()} model published on this panel now (if any) will be retired. Farms see the new values within minutes.`
          : `No model will score ${model.traitName.toLowerCase()} on ${model.panelName} until another one is published. Values already given stay in the animals' history.`}
      </ConfirmModal>
    </>
  );
}

const route = getRouteApi("/signed-in/gbv/models/$modelId");

export function ModelDetailPage() {
  const { modelId } = route.useParams();
  const manage = useMayManageModels();
  if (!manage) return <ForbiddenModels />;
  return <ModelDetail modelId={modelId} />;
}

function ModelDetail({ modelId }: { modelId: string }) {
  const trpc = useTRPC();
  const can = useCan();
  const queryClient = useQueryClient();
  const model = useQuery(trpc.gbv.models.get.queryOptions({ modelId }));
  const traits = useQuery(trpc.gbv.traits.list.queryOptions());
  const m = model.data;
  if (!m) return <QueryState error={model.error} isPending={model.isPending} onRetry={() => void model.refetch()} />;
  const unit = traits.data?.find((t) => t.id === m.traitId)?.unit ?? "";
  const cv = parseCrossValidation(m.crossValidation);
  const facts = trainingFacts(m.training);
  const report = importReportOf(m.provenance);
  const status = MODEL_STATUS[m.status];
  return (
    <Stack gap="lg" maw={1200} data-testid="gbv-model-page" data-status={m.status}>
      <RouterAnchor to="/gbv/models" size="sm">
        ← Models
      </RouterAnchor>
      <PageHeader
        title={`${m.traitName} · ${m.panelName} · v${m.version}`}
        description={m.description ?? MODEL_SOURCE[m.source]}
        action={can("gbv.models.manage") && <Lifecycle model={m} />}
      />
      <Card withBorder padding="lg">
        <Group mb="md" gap="sm">
          <Badge color={status.color} variant="light" size="lg" data-testid="model-status">
            {status.label}
          </Badge>
          <Badge color="gray" variant="outline">
            {MODEL_SOURCE[m.source]}
          </Badge>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md">
          <Fact label="SNPs with an effect" value={m.snpCount.toLocaleString("en-GB")} />
          <Fact label="Heritability" value={m.heritability === null ? "—" : m.heritability.toFixed(2)} />
          <Fact
            label="Reliability"
            value={
              m.reliabilityMethod === "pev"
                ? "per animal (PEV)"
                : m.reliabilityMethod === "daetwyler"
                  ? "Daetwyler (population)"
                  : "—"
            }
          />
          <Fact label="Intercept" value={m.intercept.toFixed(3)} />
          <Fact label="Created" value={formatDateTime(new Date(m.createdAt))} />
          <Fact label="Published" value={m.publishedAt ? formatDateTime(new Date(m.publishedAt)) : "—"} />
          <Fact label="Retired" value={m.retiredAt ? formatDateTime(new Date(m.retiredAt)) : "—"} />
          {m.reliability?.nReference != null && (
            <Fact label="Reference animals" value={m.reliability.nReference.toLocaleString("en-GB")} />
          )}
        </SimpleGrid>
      </Card>
      {/* Every trained model shows its run: live while it trains, its final state after (a fast job
          may finish before the page opens). */}
      {m.source === "trained" && can("gbv.train") && (
        <Card withBorder padding="lg">
          <TrainingProgress
            modelId={m.id}
            onFinal={() => void queryClient.invalidateQueries({ queryKey: trpc.gbv.models.pathKey() })}
          />
          {m.status === "failed" && m.trainingError && (
            <Alert color="red" variant="light" mt="sm" title="Training failed">
              {m.trainingError}
            </Alert>
          )}
        </Card>
      )}
      {cv && (
        <Card withBorder padding="lg">
          <CvResults cv={cv} unit={unit} />
        </Card>
      )}
      {facts.length > 0 && (
        <Card withBorder padding="lg" data-testid="training-facts">
          <Title order={3} size="h5" mb="sm">
            Fit
          </Title>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            {facts.map((f) => (
              <Fact key={f.label} label={f.label} value={f.value} />
            ))}
          </SimpleGrid>
        </Card>
      )}
      {report && (
        <Card withBorder padding="lg">
          <Title order={3} size="h5" mb="sm">
            Imported effects
          </Title>
          <ImportReport report={report} />
        </Card>
      )}
    </Stack>
  );
}

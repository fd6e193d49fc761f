// /genomics/upload (genotypes.upload): lab staff send a genotype file for a farm on a SNP panel.
// The farm: staff choose among the farms they reach; a customer role with the permission uploads for
// its own farm only. After the transfer bar, the processing bar follows the job live and the
// per-sample results appear below, with manual assignment of unmatched samples.
import { Alert, Button, Card, Group, Select, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "../../auth/me";
import { PageHeader } from "../../components/PageHeader";
import { QueryState } from "../../components/QueryState";
import { RouterAnchor, RouterButton } from "../../layout/RouterLinks";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../trpc";
import { useFarms } from "../animals/useFarms";
import { GenotypeDropzone } from "./GenotypeDropzone";
import { TransferProgress } from "./TransferProgress";
import { UploadResults } from "./UploadResults";
import { useFarmName } from "./useFarmName";
import { useGenotypeUpload } from "./useGenotypeUpload";

export function UploadPage() {
  const can = useCan();
  // The server refuses the upload itself (403); the page says so before anyone picks a file.
  if (!can("genotypes.upload"))
    return (
      <Stack gap="sm" maw={640} data-testid="forbidden-state" data-refusal="forbidden">
        <Title order={3}>Not allowed</Title>
        <Text c="dimmed">Uploading genotypes is for lab staff. The farm's results are under Genomics.</Text>
        <div>
          <RouterButton to="/genomics" variant="default">
            Back to Genomics
          </RouterButton>
        </div>
      </Stack>
    );
  return <UploadForm />;
}

function UploadForm() {
  const trpc = useTRPC();
  const farms = useFarms();
  const panels = useQuery(trpc.genotypes.panels.list.queryOptions());
  const [pickedFarm, setPickedFarm] = useState<string | null>(null);
  const [panelId, setPanelId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const call = useGenotypeUpload();
  const customerId = farms.needsPicker ? pickedFarm : farms.ownCustomerId;
  const ownFarmName = useFarmName(farms.ownCustomerId);
  const sent = call.result?.upload;
  const ready = customerId !== null && panelId !== null && file !== null && !call.busy;

  const startOver = () => {
    call.reset();
    setFile(null);
  };

  return (
    <Stack gap="lg" maw={1300} data-testid="genotype-upload-page">
      <RouterAnchor to="/genomics" size="sm">
        ← Genomics
      </RouterAnchor>
      <PageHeader
        title="Upload genotypes"
        description="A SNP file of one animal or a whole plate: samples are matched to animals by official ID or herd tag, quality-checked, and parentage is verified."
      />
      <Card withBorder padding="lg">
        <Stack gap="md">
          <Group grow align="flex-start">
            {farms.needsPicker ? (
              <Select
                label="Farm"
                placeholder="Choose the customer farm"
                searchable
                data={farms.directory.options}
                value={pickedFarm}
                onChange={setPickedFarm}
                disabled={call.busy || sent !== undefined}
                data-testid="upload-farm"
              />
            ) : (
              <div data-testid="upload-farm-fixed">
                <Text size="sm" fw={500}>
                  Farm
                </Text>
                <Text size="sm">{ownFarmName}</Text>
              </div>
            )}
            <Select
              label="SNP panel"
              placeholder={panels.data?.length === 0 ? "No panel registered yet" : "Choose the chip"}
              data={(panels.data ?? []).map((p) => ({
                value: p.id,
                label: `${p.name} v${p.version} (${p.markerCount.toLocaleString("en-GB")} SNPs)`,
              }))}
              value={panelId}
              onChange={setPanelId}
              disabled={call.busy || sent !== undefined}
              error={panels.error ? errorMessage(panels.error) : undefined}
              data-testid="upload-panel"
            />
          </Group>
          <GenotypeDropzone file={file} onFile={setFile} disabled={call.busy || sent !== undefined} />
          {call.error && (
            <Alert color="red" variant="light" title="Upload refused" data-testid="upload-error">
              {errorMessage(call.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            {sent ? (
              <Button variant="default" onClick={startOver} data-testid="upload-another">
                Upload another file
              </Button>
            ) : (
              <Button
                disabled={!ready}
                loading={call.busy}
                onClick={() => {
                  if (customerId && panelId && file) void call.upload({ customerId, panelId, file }).catch(() => {});
                }}
                data-testid="upload-submit"
              >
                Upload
              </Button>
            )}
          </Group>
          {call.transfer && <TransferProgress transfer={call.transfer} />}
          {sent && call.result && !call.result.created && (
            <Alert color="blue" variant="light" data-testid="upload-duplicate">
              This file was uploaded before for this farm: showing that upload.
            </Alert>
          )}
        </Stack>
      </Card>
      {sent && (
        <>
          <UploadResults customerId={sent.customerId} uploadId={sent.id} />
          <Group>
            <RouterButton
              to="/genomics/uploads/$uploadId"
              params={{ uploadId: sent.id }}
              variant="default"
              data-testid="open-upload"
            >
              Open this upload's page
            </RouterButton>
          </Group>
        </>
      )}
      {!panels.data && <QueryState error={panels.error} isPending={false} />}
    </Stack>
  );
}

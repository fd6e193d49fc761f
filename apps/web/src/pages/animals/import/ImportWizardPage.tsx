// Importing a herd file: upload (drag & drop) → columns (the automatic mapping, editable) → check
// (a dry run: every row error with row, column, value and reason; nothing written) → import (the
// commit, all or nothing) and its summary. Any error — a refused file, a row error, a refused commit —
// keeps the user in the wizard with what they chose, to correct the file and try again.
import { Alert, Button, Card, Group, Select, Stack, Stepper, Text } from "@mantine/core";
import type { ColumnMapping } from "@reprotech/domain/schemas";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { PageHeader } from "../../../components/PageHeader";
import { RouterAnchor, RouterButton } from "../../../layout/RouterLinks";
import { useTRPC, type ImportReport } from "../../../trpc";
import { useFarms } from "../useFarms";
import { FileDrop } from "./FileDrop";
import { ImportProgress } from "./ImportProgress";
import { ImportReportView } from "./ImportReportView";
import { duplicated, MappingTable, missingRequired } from "./MappingTable";
import { useImportCall } from "./useImportCall";

type Step = "upload" | "columns" | "check" | "done";
const STEPS: Step[] = ["upload", "columns", "check", "done"];

const sameHeaders = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((h, i) => h === b[i]);

export function ImportWizardPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const farms = useFarms();
  const call = useImportCall();
  const [chosenFarm, setChosenFarm] = useState<string | null>(null);
  const customerId = farms.ownCustomerId ?? chosenFarm;
  const [step, setStep] = useState<Step>("upload");
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [headers, setHeaders] = useState<string[]>([]);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);

  /** Step 1: read the file once to learn its columns and the automatic mapping. */
  const upload = async (f: File) => {
    if (!customerId) return;
    setFile(f);
    setReport(null);
    try {
      const first = await call.run("dryRun", { customerId, file: f });
      setHeaders(first.headers);
      setMapping(first.mapping);
      setStep("columns");
    } catch {
      // Shown by call.error; the user stays on this step.
    }
  };

  /** Step 3: the dry run with the chosen mapping (also after a corrected file is uploaded). */
  const check = async (f: File) => {
    if (!customerId) return;
    setFile(f);
    try {
      const next = await call.run("dryRun", { customerId, file: f, mapping });
      if (!sameHeaders(next.headers, headers)) {
        // A corrected file with other columns: map them again.
        const fresh = await call.run("dryRun", { customerId, file: f });
        setHeaders(fresh.headers);
        setMapping(fresh.mapping);
        setReport(null);
        setStep("columns");
        return;
      }
      setReport(next);
      setStep("check");
    } catch {
      setStep("check");
    }
  };

  const commit = async () => {
    if (!customerId || !file) return;
    try {
      const done = await call.run("commit", { customerId, file, mapping });
      if (done.committed) {
        setResult(done);
        setStep("done");
        await queryClient.invalidateQueries({ queryKey: trpc.animals.pathKey() });
      } else {
        // The commit found errors (data changed since the check): the same report, nothing written.
        setReport(done);
      }
    } catch {
      // Shown by call.error.
    }
  };

  const restart = () => {
    setStep("upload");
    setFile(null);
    setReport(null);
    setResult(null);
    setMapping({});
    setHeaders([]);
  };

  const mappingProblems = missingRequired(mapping).length > 0 || duplicated(mapping).length > 0;
  const canCommit = report !== null && report.errors.length === 0 && report.counts.rows > 0;

  return (
    <Stack gap="lg" maw={1100} data-testid="import-page">
      <RouterAnchor to="/animals" size="sm">
        ← Animals
      </RouterAnchor>
      <PageHeader
        title="Import animals"
        description="Add or update many animals at once from a CSV or XLSX file. Rows are matched by official ID."
      />
      <Stepper
        active={step === "done" ? STEPS.length : STEPS.indexOf(step)}
        size="sm"
        allowNextStepsSelect={false}
        data-testid="import-stepper"
        data-step={step}
      >
        <Stepper.Step label="Upload" description="CSV or XLSX" />
        <Stepper.Step label="Columns" description="What each column holds" />
        <Stepper.Step label="Check" description="Every row validated" />
        <Stepper.Step label="Import" description="All or nothing" />
      </Stepper>

      {step === "upload" && (
        <Card withBorder padding="lg">
          <Stack gap="md">
            {farms.staff && !farms.ownCustomerId && (
              <Select
                label="Farm to import into"
                required
                searchable
                w={320}
                data={farms.directory.options}
                value={chosenFarm}
                onChange={setChosenFarm}
                data-testid="import-farm"
              />
            )}
            <FileDrop onFile={(f) => void upload(f)} disabled={!customerId || call.busy} />
            {file && call.busy && <Text size="sm">{file.name}</Text>}
            <ImportProgress phase={call.phase} what="Reading the file" />
            <ErrorAlert error={call.error} title="This file cannot be imported" />
          </Stack>
        </Card>
      )}

      {step === "columns" && file && (
        <Card withBorder padding="lg">
          <Stack gap="md">
            <Text size="sm">
              <b>{file.name}</b> has {headers.length} columns. Check what each one holds; columns set to “ignore” are
              not imported.
            </Text>
            <MappingTable mapping={mapping} onChange={setMapping} />
            <ImportProgress phase={call.phase} what="Checking every row" />
            <ErrorAlert error={call.error} title="The check did not run" />
            <Group justify="space-between">
              <Button variant="default" onClick={restart} disabled={call.busy}>
                Choose another file
              </Button>
              <Button
                onClick={() => void check(file)}
                loading={call.busy}
                disabled={mappingProblems}
                data-testid="import-check"
              >
                Check rows
              </Button>
            </Group>
          </Stack>
        </Card>
      )}

      {step === "check" && file && (
        <Card withBorder padding="lg">
          <Stack gap="md">
            <Text size="sm">
              Checked <b>{file.name}</b>. Nothing has been written yet.
            </Text>
            {report && <ImportReportView report={report} />}
            <ErrorAlert error={call.error} title="That did not work" />
            <ImportProgress phase={call.phase} what={canCommit ? "Importing" : "Checking every row"} />
            {report && report.errors.length > 0 && (
              <FileDrop
                onFile={(f) => void check(f)}
                disabled={call.busy}
                label="Drop the corrected file here, or click to choose it"
              />
            )}
            {report && canCommit && (
              <Alert color="teal" variant="light" title="Ready to import" data-testid="import-ready">
                {report.counts.created} new, {report.counts.updated} updated and {report.counts.unchanged} unchanged
                animals. The import writes all of them or none.
              </Alert>
            )}
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep("columns")} disabled={call.busy}>
                Back to columns
              </Button>
              <Button
                onClick={() => void commit()}
                disabled={!canCommit}
                loading={call.busy}
                color="teal"
                data-testid="import-commit"
              >
                Import {report?.counts.rows ?? 0} rows
              </Button>
            </Group>
          </Stack>
        </Card>
      )}

      {step === "done" && result && (
        <Card withBorder padding="lg" data-testid="import-result">
          <Stack gap="md">
            <Alert color="teal" variant="light" title="Imported">
              {file?.name}: {result.counts.created} animals added, {result.counts.updated} updated,{" "}
              {result.counts.unchanged} unchanged.
            </Alert>
            <ImportReportView report={result} />
            <Group>
              <RouterButton to="/animals" data-testid="import-view-animals">
                View animals
              </RouterButton>
              <Button variant="default" onClick={restart}>
                Import another file
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

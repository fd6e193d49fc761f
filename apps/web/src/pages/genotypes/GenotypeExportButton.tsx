// "Export genotypes" for a selection of animals: PLINK binary (.bed/.bim/.fam) or text (.ped/.map),
// streamed by the server as a zip (exportDownload.ts). The server decides what may be exported.
import { Button, Menu, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { downloadGenotypeExport, type GenotypeExportFormat } from "./exportDownload";

interface Props {
  customerId: string;
  animalIds: string[];
  /** Needed when the animals' current genotypes are on several panels. */
  panelId?: string;
  label?: string;
}

export function GenotypeExportButton({ customerId, animalIds, panelId, label = "Export genotypes" }: Props) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (format: GenotypeExportFormat) => {
    setBusy(true);
    setProblem(null);
    try {
      await downloadGenotypeExport({ customerId, animalIds, panelId, format });
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            size="xs"
            loading={busy}
            disabled={animalIds.length === 0}
            data-testid="genotype-export"
          >
            {label}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void run("bed")} data-testid="genotype-export-bed">
            PLINK binary (.bed/.bim/.fam)
          </Menu.Item>
          <Menu.Item onClick={() => void run("ped")} data-testid="genotype-export-ped">
            PLINK text (.ped/.map)
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {problem && (
        <Text size="xs" c="red" role="alert" data-testid="genotype-export-error">
          {problem}
        </Text>
      )}
    </Stack>
  );
}

// The bar under a running import call: the upload's percentage, then an animated full bar while the
// server reads and checks (or writes) the rows.
import { Progress, Stack, Text } from "@mantine/core";
import type { ImportPhase } from "./useImportCall";

export function ImportProgress({ phase, what }: { phase: ImportPhase; what: string }) {
  if (phase.kind === "idle") return null;
  const uploading = phase.kind === "uploading";
  return (
    <Stack gap={4} data-testid="import-progress" data-phase={phase.kind}>
      <Progress
        value={uploading ? phase.percent : 100}
        striped={!uploading}
        animated={!uploading}
        size="lg"
        aria-label={uploading ? "Upload progress" : "Processing"}
      />
      <Text size="sm" c="dimmed">
        {uploading ? `Uploading… ${phase.percent} %` : `${what}…`}
      </Text>
    </Stack>
  );
}

// One animals.import.* call (dry run or commit) with its progress: the upload's bytes as they leave,
// then "processing" while the server reads and checks the rows.
import type { ColumnMapping } from "@reprotech/domain/schemas";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { onUploadProgress } from "../../../lib/upload";
import { useTRPC, type ImportReport } from "../../../trpc";

export type ImportPhase = { kind: "idle" } | { kind: "uploading"; percent: number } | { kind: "processing" };

export interface ImportRequest {
  customerId: string;
  file: File;
  mapping?: ColumnMapping;
}

function form({ customerId, file, mapping }: ImportRequest): FormData {
  const fd = new FormData();
  fd.set("customerId", customerId);
  fd.set("file", file, file.name);
  if (mapping) fd.set("mapping", JSON.stringify(mapping));
  return fd;
}

export function useImportCall() {
  const trpc = useTRPC();
  const [phase, setPhase] = useState<ImportPhase>({ kind: "idle" });
  const dryRun = useMutation(trpc.animals.import.dryRun.mutationOptions());
  const commit = useMutation(trpc.animals.import.commit.mutationOptions());

  const run = async (which: "dryRun" | "commit", request: ImportRequest): Promise<ImportReport> => {
    setPhase({ kind: "uploading", percent: 0 });
    const stop = onUploadProgress(({ loaded, total }) => {
      if (total > 0 && loaded >= total) setPhase({ kind: "processing" });
      else setPhase({ kind: "uploading", percent: total > 0 ? Math.round((loaded / total) * 100) : 0 });
    });
    try {
      dryRun.reset();
      commit.reset();
      const mutation = which === "dryRun" ? dryRun : commit;
      return await mutation.mutateAsync(form(request));
    } finally {
      stop();
      setPhase({ kind: "idle" });
    }
  };
  return { run, phase, error: dryRun.error ?? commit.error, busy: phase.kind !== "idle" };
}

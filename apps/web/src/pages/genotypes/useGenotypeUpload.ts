// The genotypes.upload call with its transfer progress. The FormData goes through the tRPC client's
// httpLink for non-JSON input, which sends with XMLHttpRequest (lib/upload.ts) because fetch cannot
// report how much of a request body has left; errors keep tRPC's shape (TRPCClientError).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { onUploadProgress } from "../../lib/upload";
import { useTRPC } from "../../trpc";
import { transferPercent } from "./progress";
import type { Transfer } from "./TransferProgress";

export interface GenotypeUploadRequest {
  customerId: string;
  panelId: string;
  file: File;
}

export function useGenotypeUpload() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const mutation = useMutation(
    trpc.genotypes.upload.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.genotypes.uploads.list.pathKey() }),
    }),
  );

  const upload = async ({ customerId, panelId, file }: GenotypeUploadRequest) => {
    const form = new FormData();
    form.set("customerId", customerId);
    form.set("panelId", panelId);
    form.set("file", file, file.name);
    setTransfer({ percent: 0, loaded: 0, total: file.size, done: false });
    const stop = onUploadProgress(({ loaded, total }) =>
      setTransfer({ percent: transferPercent(loaded, total), loaded, total, done: false }),
    );
    try {
      const result = await mutation.mutateAsync(form);
      // The server answered: every byte arrived, whatever the last progress event said.
      setTransfer((t) => ({ percent: 100, loaded: t?.total ?? file.size, total: t?.total ?? file.size, done: true }));
      return result;
    } catch (error) {
      setTransfer(null);
      throw error;
    } finally {
      stop();
    }
  };

  const reset = () => {
    mutation.reset();
    setTransfer(null);
  };

  return { upload, reset, transfer, error: mutation.error, busy: mutation.isPending, result: mutation.data };
}

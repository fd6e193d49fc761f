// system.status, polled live. Also derives the server's clock so relative times don't depend on the
// browser's clock being right.
import { useQuery } from "@tanstack/react-query";
import { useNow } from "../lib/useNow";
import { useTRPC } from "../trpc";
import { workerState } from "./health";

export const STATUS_REFRESH_MS = 5_000;

export function useSystemStatus() {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.system.status.queryOptions(undefined, {
      refetchInterval: STATUS_REFRESH_MS,
      staleTime: 0,
      // A poll every 5 s is its own retry; one quick extra attempt is enough before showing the error.
      retry: 1,
      retryDelay: 500,
    }),
  );
  const now = useNow(1_000);
  const data = query.data;
  const receivedAt = query.dataUpdatedAt;
  const serverNow = data ? now + (Date.parse(data.time) - receivedAt) : now;
  return {
    query,
    data,
    now,
    receivedAt,
    serverNow,
    worker: data ? workerState(data.worker.lastHeartbeatAt, serverNow) : undefined,
  };
}

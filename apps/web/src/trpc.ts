// The typed tRPC client for the SPA. Only types come from @reprotech/api; nothing server-side is bundled.
import type { AppRouter, RouterOutputs } from "@reprotech/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { createTRPCContext, createTRPCOptionsProxy, type TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { QueryClient } from "@tanstack/react-query";
import superjson from "superjson";
import { uploadingFetch } from "./lib/upload";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type SystemStatus = RouterOutputs["system"]["status"];
export type Me = RouterOutputs["auth"]["me"];
export type Customer = RouterOutputs["customers"]["get"];
export type User = RouterOutputs["users"]["get"];
export type ApiToken = RouterOutputs["apiTokens"]["list"][number];
export type AuditEntry = RouterOutputs["audit"]["list"]["items"][number];
export type SessionInfo = RouterOutputs["auth"]["sessions"][number];
export type ResetLink = RouterOutputs["users"]["resetPassword"];
export type AnimalPage = RouterOutputs["animals"]["list"];
export type AnimalRow = AnimalPage["items"][number];
export type AnimalDetail = RouterOutputs["animals"]["get"];
export type Pedigree = RouterOutputs["animals"]["pedigree"];
export type PedigreeNode = Pedigree["nodes"][number];
export type ImportReport = RouterOutputs["animals"]["import"]["dryRun"];
export type Bull = RouterOutputs["bulls"]["get"];
export type SnpPanel = RouterOutputs["genotypes"]["panels"]["list"][number];
export type GenotypeUpload = RouterOutputs["genotypes"]["uploads"]["get"];
export type SampleResult = RouterOutputs["genotypes"]["uploads"]["samples"][number];
export type GenotypeSummary = RouterOutputs["genotypes"]["forAnimal"];
export type GenotypeEntry = GenotypeSummary["current"][number];
type Yielded<T> = T extends AsyncIterable<infer U> ? U : never;
/** One event of genotypes.uploads.progress (the subscription's output is the stream of them). */
export type UploadProgressEvent = Yielded<RouterOutputs["genotypes"]["uploads"]["progress"]>;

export type ApiClient = TRPCClient<AppRouter>;
export type ApiOptions = TRPCOptionsProxy<AppRouter>;

export function createApiClient(url = "/trpc"): ApiClient {
  const batch = () =>
    httpBatchLink({
      url,
      transformer: superjson,
      // The session cookie (HttpOnly) rides along on same-origin calls.
      fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin" }),
    });
  return createTRPCClient<AppRouter>({
    links: [
      // The status poll (every 5 s, on every page) travels on its own: a page's data never waits for the
      // health checks, and each response's HTTP status stays that of the page's own calls (one 403 is a
      // 403, not a 207 mixed with the poll's 200).
      // Files (the animal import's and genotype upload's FormData) cannot be batched as JSON: they go one per request, through
      // XMLHttpRequest so the page can show upload progress (lib/upload.ts).
      // Subscriptions (a genotype upload's processing progress) are server-sent events: the browser's
      // EventSource sends the session cookie on same-origin requests by itself.
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, transformer: superjson }),
        false: splitLink({
          condition: (op) => isNonJsonSerializable(op.input),
          true: httpLink({ url, transformer: superjson, fetch: uploadingFetch }),
          false: splitLink({ condition: (op) => op.path.startsWith("system."), true: batch(), false: batch() }),
        }),
      }),
    ],
  });
}

/** Query/mutation options outside React (the router's guards use it). */
export function createApiOptions(client: ApiClient, queryClient: QueryClient): ApiOptions {
  return createTRPCOptionsProxy<AppRouter>({ client, queryClient });
}

// The typed client other TypeScript apps use: every procedure of the server with its input and
// output types, batched queries, plain HTTP for non-JSON input (files), SSE for subscriptions.
import type { AppRouter } from "@reprotech/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";

export interface ReprotechClientOptions {
  /** Server origin, e.g. https://reprotech.example.com (the client appends /trpc). */
  url: string;
  /** API token (`Authorization: Bearer …`); omit for public procedures. */
  token?: string;
  /** Custom fetch, e.g. for proxies or tests. */
  fetch?: typeof globalThis.fetch;
}

export type ReprotechClient = TRPCClient<AppRouter>;

export function createReprotechClient(options: ReprotechClientOptions): ReprotechClient {
  const url = `${options.url.replace(/\/+$/, "")}/trpc`;
  const headers = (): Record<string, string> => (options.token ? { authorization: `Bearer ${options.token}` } : {});
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          // Node has no EventSource of its own, and the browser's cannot send headers: this one can.
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetchImpl(input, { ...init, headers: { ...init?.headers, ...headers() } }),
          }),
        }),
        false: splitLink({
          condition: (op) => isNonJsonSerializable(op.input),
          true: httpLink({ url, transformer: superjson, headers, fetch: fetchImpl }),
          false: httpBatchLink({ url, transformer: superjson, headers, fetch: fetchImpl }),
        }),
      }),
    ],
  });
}

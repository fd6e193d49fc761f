// The typed tRPC client for the SPA. Only types come from @reprotech/api; nothing server-side is bundled.
import type { AppRouter, RouterOutputs } from "@reprotech/api";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type SystemStatus = RouterOutputs["system"]["status"];

export function createApiClient(url = "/trpc") {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        transformer: superjson,
        // Cookies ride along for same-origin calls; sessions arrive with the auth module.
        fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin" }),
      }),
    ],
  });
}

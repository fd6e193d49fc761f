// Providers, outermost first: Mantine (theme), TanStack Query, tRPC, then the router (which gets the
// query client and tRPC options as context, for its sign-in guard).
import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { useState } from "react";
import { safeRedirect } from "./auth/search";
import { createQueryClient } from "./queryClient";
import { router } from "./router";
import { theme } from "./theme";
import { createApiClient, createApiOptions, TRPCProvider } from "./trpc";

const PUBLIC_PATHS = ["/sign-in", "/reset-password"];

/** A 401 anywhere: the session is gone (expired, revoked, signed out elsewhere). Go and sign in again. */
async function sendToSignIn(clear: () => void) {
  const { pathname, href } = router.state.location;
  if (PUBLIC_PATHS.includes(pathname)) return;
  const target = safeRedirect(href);
  await router.navigate({
    to: "/sign-in",
    search: { notice: "session-ended", ...(target ? { redirect: target } : {}) },
  });
  clear();
}

function createClients() {
  const queryClient = createQueryClient({
    onUnauthorized: () => {
      // Nobody was signed in in this tab yet: the route guard already sends the visitor to sign in.
      if (queryClient.getQueryData(trpc.auth.me.queryKey()) === undefined) return;
      void sendToSignIn(() => queryClient.clear());
    },
  });
  const trpcClient = createApiClient();
  const trpc = createApiOptions(trpcClient, queryClient);
  return { queryClient, trpcClient, trpc };
}

export function App() {
  const [{ queryClient, trpcClient, trpc }] = useState(createClients);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <RouterProvider router={router} context={{ queryClient, trpc }} />
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

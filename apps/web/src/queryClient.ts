// One QueryClient for the app: data is fresh for a short while, and client errors (4xx) are not retried,
// since asking again will not change the answer. A 401 from any query or mutation means the session is
// gone: the app is told once, and sends the user to sign in.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";

const MAX_RETRIES = 2;

export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: unknown } | undefined)?.httpStatus;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

/** The procedure path a tRPC error came from ("auth.signIn"), when the server said. */
export function procedureOf(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const path = (error.data as { path?: unknown } | undefined)?.path;
    return typeof path === "string" ? path : undefined;
  }
  return undefined;
}

export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < MAX_RETRIES;
}

export interface QueryClientOptions {
  /** Called for every 401 except the sign-in attempt itself (wrong password is a 401 too). */
  onUnauthorized?: (error: unknown) => void;
}

export function createQueryClient(options: QueryClientOptions = {}): QueryClient {
  const unauthorized = (error: unknown) => {
    if (httpStatusOf(error) !== 401 || procedureOf(error) === "auth.signIn") return;
    options.onUnauthorized?.(error);
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: unauthorized }),
    mutationCache: new MutationCache({ onError: unauthorized }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        retry: shouldRetry,
        retryDelay: (attempt) => Math.min(1_000 * 2 ** attempt, 10_000),
        refetchOnWindowFocus: true,
      },
      mutations: {
        retry: false,
      },
    },
  });
}

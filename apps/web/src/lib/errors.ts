// Turning what the server (or the network) said into words for the screen.
import { TRPCClientError } from "@trpc/client";
import { httpStatusOf } from "../queryClient";

interface ZodFlat {
  formErrors: string[];
  fieldErrors: Record<string, string[] | undefined>;
}

function zodErrorOf(error: unknown): ZodFlat | null {
  if (!(error instanceof TRPCClientError)) return null;
  const flat = (error.data as { zodError?: ZodFlat | null } | undefined)?.zodError;
  return flat ?? null;
}

/** Field → first message, from a server-side input validation error. */
export function serverFieldErrors(error: unknown): Record<string, string> {
  const flat = zodErrorOf(error);
  if (!flat) return {};
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(flat.fieldErrors)) {
    if (messages?.[0]) out[field] = messages[0];
  }
  return out;
}

/** One readable sentence for any error a tRPC call can produce. */
export function errorMessage(error: unknown): string {
  const flat = zodErrorOf(error);
  if (flat) {
    const parts = [
      ...flat.formErrors,
      ...Object.entries(flat.fieldErrors).flatMap(([f, m]) => (m ?? []).map((x) => `${f}: ${x}`)),
    ];
    if (parts.length) return parts.join("; ");
  }
  if (error instanceof TRPCClientError) {
    if (httpStatusOf(error) === undefined) return `Cannot reach the Reprotech server (${error.message}).`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export type Refusal = "forbidden" | "not-found";

/** 403 and 404 are the server's way of saying "not for you"; each gets its own page state. */
export function refusalOf(error: unknown): Refusal | null {
  const status = httpStatusOf(error);
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  return null;
}

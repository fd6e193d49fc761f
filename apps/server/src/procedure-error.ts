// How the REST routes that call procedures themselves (downloads, uploads) and the app's error
// handler answer an error, one mapping for all of them, as the tRPC adapter answers its own: the tRPC
// code's HTTP status; the message for a client error and for a busy database (503, api
// unavailable.ts, with Retry-After); "Internal server error" for any other 5xx, whose cause is logged
// (a driver's message could leak SQL, paths or secrets).
import { asUnavailable } from "@reprotech/api";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { FastifyReply, FastifyRequest } from "fastify";

/** Seconds a client is told to wait after a 503 for want of a database connection. */
export const RETRY_AFTER_S = "5";

/**
 * Answers `error` (from a procedure call, or any error of the route) as JSON { error, requestId }.
 * `what` names the failure in the log; `messageOf` words a client error (default: its message).
 */
export function sendProcedureError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  what: string,
  messageOf: (e: TRPCError) => string = (e) => e.message,
): FastifyReply {
  const unavailable = asUnavailable(error);
  if (unavailable) {
    request.log.warn({ err: unavailable.cause ?? unavailable }, unavailable.message);
    return reply
      .status(503)
      .header("retry-after", RETRY_AFTER_S)
      .send({ error: unavailable.message, requestId: request.id });
  }
  const e = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  const status = getHTTPStatusCodeFromError(e);
  if (status >= 500) request.log.error({ err: e.cause ?? e }, what);
  return reply
    .status(status)
    .send({ error: status >= 500 ? "Internal server error" : messageOf(e), requestId: request.id });
}

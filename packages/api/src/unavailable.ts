// Overload answered as overload: a request that waited DATABASE_CONNECT_TIMEOUT_MS for a database
// connection in vain (every pooled one busy, or a new one not opened in time) is a 503 "try again",
// not a 500 fault — from a procedure, from resolving the caller while its context is built, and
// from the REST routes (apps/server), which all go through this.
import { isConnectTimeout } from "@reprotech/db";
import { TRPCError } from "@trpc/server";

const DATABASE_BUSY = "The database is busy: try again in a moment";

/** The 503 for an error that is (or was caused by) a wait for a connection that ran out; else undefined. */
export function asUnavailable(error: unknown): TRPCError | undefined {
  if (error instanceof TRPCError) return error.code === "SERVICE_UNAVAILABLE" ? error : asUnavailable(error.cause);
  return isConnectTimeout(error)
    ? new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_BUSY, cause: error })
    : undefined;
}

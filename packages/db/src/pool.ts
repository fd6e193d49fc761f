// The application's pg pool and Prisma client. Pool size and timeouts are set explicitly from
// configuration rather than left to driver defaults, so capacity is a deliberate choice.
import type { Config } from "@reprotech/core";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";

export type DbConfig = Pick<
  Config,
  "DATABASE_POOL_MAX" | "DATABASE_CONNECT_TIMEOUT_MS" | "DATABASE_IDLE_TIMEOUT_MS" | "DATABASE_STATEMENT_TIMEOUT_MS"
>;

export function createPool(url: string, config: DbConfig, onConnectSql?: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: config.DATABASE_POOL_MAX,
    connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: config.DATABASE_IDLE_TIMEOUT_MS,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
    application_name: "reprotech",
  });
  // Queries on a pg client run in order, so this runs before anything the pool hands out.
  if (onConnectSql) pool.on("connect", (client) => void client.query(onConnectSql));
  return pool;
}

/**
 * A request gave up waiting for a connection (DATABASE_CONNECT_TIMEOUT_MS): every pooled connection
 * stayed busy, or a new one could not be opened in time — the database is saturated or unreachable,
 * which callers answer as "unavailable, try again" rather than as a fault. pg-pool marks this error by
 * its message only; pg's own connect timeout ends a new connection with the second one.
 */
export function isConnectTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.message === "timeout exceeded when trying to connect" ||
      error.message === "Connection terminated due to connection timeout")
  );
}

export function createPrisma(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export { PrismaClient };
export type { Prisma } from "./generated/prisma/client";

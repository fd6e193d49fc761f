// The only ways application code opens a transaction (withTenant on Prisma; withTenantClient on a raw
// pg client, for COPY streams): with the tenant scope set first, so row-level
// security (see the identity migration) filters every statement inside it. Services never open their
// own transaction; they take the `Tx` they are given.
import type pg from "pg";
import type { Prisma, PrismaClient } from "./generated/prisma/client";

export type Tx = Prisma.TransactionClient;

export interface TenantScope {
  /** Customers the transaction may touch, or "all" (admins and system work). Empty = none. */
  customerIds: readonly string[] | "all";
  /** The acting user, if any (row-level security lets a user see its own user row and sessions). */
  userId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a uuid (the check every value spliced into SQL text must pass first). */
export const isUuid = (value: string): boolean => UUID.test(value);

/** The value of `app.customer_ids`: '*' or comma-separated UUIDs, each checked so nothing else gets in. */
export function scopeSetting(scope: TenantScope): string {
  if (scope.customerIds === "all") return "*";
  for (const id of scope.customerIds) if (!UUID.test(id)) throw new Error(`Not a customer id: ${JSON.stringify(id)}`);
  return scope.customerIds.join(",");
}

export interface TxOptions {
  /** Milliseconds to wait for a connection, and for the whole transaction. */
  maxWait?: number;
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

/** Both settings of a scope (`app.customer_ids`, `app.user_id`), checked. */
function scopeSettings(scope: TenantScope): [customerIds: string, userId: string] {
  if (scope.userId !== null && !UUID.test(scope.userId))
    throw new Error(`Not a user id: ${JSON.stringify(scope.userId)}`);
  return [scopeSetting(scope), scope.userId ?? ""];
}

export async function withTenant<T>(
  db: PrismaClient,
  scope: TenantScope,
  fn: (tx: Tx) => Promise<T>,
  options: TxOptions = {},
): Promise<T> {
  const [customerIds, userId] = scopeSettings(scope);
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('app.customer_ids', ${customerIds}, true), set_config('app.user_id', ${userId}, true)`;
      return fn(tx);
    },
    { maxWait: options.maxWait ?? 5_000, timeout: options.timeout ?? 30_000, isolationLevel: options.isolationLevel },
  );
}

/** System work that is not on behalf of one tenant (sign-in lookups, maintenance): scope "all". */
export function withSystem<T>(db: PrismaClient, fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T> {
  return withTenant(db, { customerIds: "all", userId: null }, fn, options);
}

/**
 * The same scoped transaction on a raw pg client, for what Prisma's query API cannot do: streaming a
 * `COPY … TO STDOUT (FORMAT binary)` (packed genotypes as raw bytes — Prisma hands bytea over as
 * hex text, twice the bytes and a decode per row). Row-level security applies exactly as in withTenant.
 */
export async function withTenantClient<T>(
  pool: pg.Pool,
  scope: TenantScope,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const settings = scopeSettings(scope);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    await client.query(
      `SELECT set_config('app.customer_ids', $1, true), set_config('app.user_id', $2, true)`,
      settings,
    );
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // A connection the rollback cannot use (say a COPY stream abandoned halfway) is discarded, not reused.
    await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** withSystem's twin on a raw pg client: scope "all". */
export function withSystemClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTenantClient(pool, { customerIds: "all", userId: null }, fn);
}

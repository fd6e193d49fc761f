// The only way application code opens a transaction: with the tenant scope set first, so row-level
// security (see the identity migration) filters every statement inside it. Services never open their
// own transaction; they take the `Tx` they are given.
import type { Prisma, PrismaClient } from "./generated/prisma/client";

export type Tx = Prisma.TransactionClient;

export interface TenantScope {
  /** Customers the transaction may touch, or "all" (admins and system work). Empty = none. */
  customerIds: readonly string[] | "all";
  /** The acting user, if any (row-level security lets a user see its own user row and sessions). */
  userId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

export async function withTenant<T>(
  db: PrismaClient,
  scope: TenantScope,
  fn: (tx: Tx) => Promise<T>,
  options: TxOptions = {},
): Promise<T> {
  const customerIds = scopeSetting(scope);
  if (scope.userId !== null && !UUID.test(scope.userId))
    throw new Error(`Not a user id: ${JSON.stringify(scope.userId)}`);
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('app.customer_ids', ${customerIds}, true), set_config('app.user_id', ${scope.userId ?? ""}, true)`;
      return fn(tx);
    },
    { maxWait: options.maxWait ?? 5_000, timeout: options.timeout ?? 30_000, isolationLevel: options.isolationLevel },
  );
}

/** System work that is not on behalf of one tenant (sign-in lookups, maintenance): scope "all". */
export function withSystem<T>(db: PrismaClient, fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T> {
  return withTenant(db, { customerIds: "all", userId: null }, fn, options);
}

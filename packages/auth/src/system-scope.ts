// Sessions and password resets are system rows: row-level security shows them only to their owner
// and to the all-customers scope. When a tenant transaction (a customer admin disabling or resetting
// one of their users) must end sessions or issue a reset, auth widens that transaction's scope to
// '*' for its own statements and restores it after, so the work commits atomically with the
// caller's change, without a second connection (embedded PGlite has only one session).
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";

/** Runs `fn` with the transaction's scope widened to all customers, once `userId` is visible in the caller's own scope. */
export async function asSystemFor<T>(tx: Tx, userId: string, fn: () => Promise<T>): Promise<T> {
  const [row] = await tx.$queryRaw<{ prev: string | null; visible: boolean }[]>`
    SELECT current_setting('app.customer_ids', true) AS prev, EXISTS (SELECT 1 FROM users WHERE id = ${userId}::uuid) AS visible`;
  if (!row?.visible) throw new AppError("NOT_FOUND", "User not found");
  if (row.prev === "*") return fn();
  await tx.$queryRaw`SELECT set_config('app.customer_ids', '*', true)`;
  try {
    return await fn();
  } finally {
    await tx.$queryRaw`SELECT set_config('app.customer_ids', ${row.prev ?? ""}, true)`;
  }
}

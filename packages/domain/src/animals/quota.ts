// A customer's ACTIVE animals never exceed its maxAnimals. Every path that adds active animals
// (create, reactivation, import) calls assertQuota inside its transaction, before writing: the
// customer row is locked (FOR NO KEY UPDATE — it does not block the foreign-key checks of inserts),
// so concurrent writers for one customer take turns and each counts what the previous committed.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { query } from "./sql";

export interface QuotaState {
  maxAnimals: number;
  active: number;
}

/** Locks the customer's quota until the transaction ends and returns the current numbers. */
export async function lockQuota(tx: Tx, customerId: string): Promise<QuotaState> {
  const [customer] = await query<{ maxAnimals: number; name: string }>(
    tx,
    `SELECT max_animals AS "maxAnimals", name FROM customers WHERE id = $1::uuid FOR NO KEY UPDATE`,
    [customerId],
  );
  if (!customer) throw new AppError("NOT_FOUND", "Customer not found");
  const [count] = await query<{ n: number }>(
    tx,
    `SELECT count(*)::int AS n FROM animals WHERE customer_id = $1::uuid AND status = 'active'`,
    [customerId],
  );
  return { maxAnimals: customer.maxAnimals, active: count?.n ?? 0 };
}

/**
 * Throws CONFLICT unless `adding` more active animals fit in the customer's quota. Holds the lock
 * until the caller's transaction commits or rolls back, so call it before the inserts it guards.
 */
export async function assertQuota(tx: Tx, customerId: string, adding: number): Promise<QuotaState> {
  const state = await lockQuota(tx, customerId);
  if (adding > 0 && state.active + adding > state.maxAnimals) {
    throw new AppError(
      "CONFLICT",
      `Animal quota reached: the customer may have ${state.maxAnimals} active animals and has ${state.active}` +
        (adding === 1 ? "" : `; adding ${adding} would exceed it`),
      { maxAnimals: state.maxAnimals, active: state.active, adding },
    );
  }
  return state;
}

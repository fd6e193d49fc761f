// Shared helpers for the animals tests: unique official IDs, a caller per farm, and a snapshot of a
// customer's animal rows to prove that a failed write wrote nothing.
import { randomInt } from "node:crypto";
import { expect } from "vitest";
import type { World } from "../../support/identity";

const run = String(randomInt(0, 1_000_000)).padStart(6, "0");
let seq = 0;

/** A fresh, valid 17-character official ID (HO + 840 + 12 digits). */
export const newOfficialId = (breed = "HO") => `${breed}840${run}${String(++seq).padStart(6, "0")}`;

export async function snapshot(world: World, customerId: string): Promise<string> {
  const { rows } = await world.owner.query(
    `SELECT count(*)::int AS n, coalesce(md5(string_agg(a::text, ',' ORDER BY a.id)), '') AS h
       FROM animals a WHERE customer_id = $1`,
    [customerId],
  );
  return `${rows[0].n}:${rows[0].h}`;
}

/** Input validation errors carry zod's issue list as JSON; keep just their messages. */
function readable(message: string): string {
  if (!message.startsWith("[")) return message;
  try {
    return (JSON.parse(message) as { message: string }[]).map((i) => i.message).join("; ");
  } catch {
    return message;
  }
}

/** The call fails with `code` and a message matching `message`. */
export async function expectFailure(call: Promise<unknown>, code: string, message: RegExp) {
  const error = await call.then(
    (value) => ({ code: "RETURNED", message: JSON.stringify(value) }),
    (e: { code?: string; message?: string }) => ({ code: e.code, message: readable(e.message ?? "") }),
  );
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(message);
}

/** A failed write: the error is as expected and the customer's animals are byte-for-byte unchanged. */
export async function expectRejectedUnchanged(
  world: World,
  customerId: string,
  call: () => Promise<unknown>,
  code: string,
  message: RegExp,
) {
  const before = await snapshot(world, customerId);
  await expectFailure(call(), code, message);
  expect(await snapshot(world, customerId)).toBe(before);
}

export const setQuota = (world: World, customerId: string, maxAnimals: number) =>
  world.owner.query(`UPDATE customers SET max_animals = $2 WHERE id = $1`, [customerId, maxAnimals]);

// The global AI-bull catalogue. Everyone with animals.read reads it inside their tenant transaction
// (row-level security lets any scoped transaction read bulls); writes need the '*' scope, so after
// the router's bulls.manage check they widen the transaction's scope for their own statements and
// restore it, committing atomically with the audit record.
import { keys, type Cache } from "@reprotech/cache";
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import type { z } from "zod";
import { invalidateAnimals } from "../animals/cache";
import { likePrefix, query, Sql } from "../animals/sql";
import { parseOrThrow } from "../animals/writes";
import { createBullInput, listBullsInput, updateBullInput, type BullView } from "./schemas";

const COLUMNS = `b.id::text AS id, b.naab_code AS "naabCode", b.sexed_naab_code AS "sexedNaabCode",
  b.registration_number AS "registrationNumber", b.name, b.breed,
  to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(b.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

export async function listBulls(tx: Tx, raw: z.input<typeof listBullsInput>) {
  const input = parseOrThrow(listBullsInput, raw);
  const q = new Sql();
  const where: string[] = [];
  if (input.search) {
    const code = q.p(likePrefix(input.search.replace(/\s+/g, "").toUpperCase()));
    const name = q.p(likePrefix(input.search));
    where.push(
      `(b.naab_code LIKE ${code} OR b.sexed_naab_code LIKE ${code} OR b.registration_number LIKE ${code} OR b.name ILIKE ${name})`,
    );
  }
  if (input.breed) where.push(`b.breed = ${q.p(input.breed)}`);
  const countParams = [...q.params];
  const countSql = `SELECT count(*)::int AS n FROM bulls b ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`;
  if (input.cursor) {
    const [naab, id] = decode(input.cursor);
    where.push(`(b.naab_code, b.id) > (${q.p(naab)}, ${q.p(id)}::uuid)`);
  }
  const rows = await query<BullView>(
    tx,
    `SELECT ${COLUMNS} FROM bulls b ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY b.naab_code, b.id LIMIT ${q.p(input.limit + 1)}`,
    q.params,
  );
  const [count] = await query<{ n: number }>(tx, countSql, countParams);
  const more = rows.length > input.limit;
  const items = more ? rows.slice(0, input.limit) : rows;
  const last = items.at(-1);
  return {
    items,
    total: count?.n ?? 0,
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.naabCode, last.id])).toString("base64url") : null,
  };
}

function decode(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "string" && /^[0-9a-f-]{36}$/i.test(v[1]))
      return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new AppError("BAD_REQUEST", "Invalid cursor");
}

export async function getBull(tx: Tx, bullId: string): Promise<BullView> {
  const [row] = await query<BullView>(tx, `SELECT ${COLUMNS} FROM bulls b WHERE b.id = $1::uuid`, [bullId]);
  if (!row) throw new AppError("NOT_FOUND", "Bull not found");
  return row;
}

/**
 * Runs `fn` with the transaction widened to the '*' scope the catalogue's write policies require,
 * then restores the caller's scope. Only for callers that have checked bulls.manage (the router
 * also writes its audit record of a bull change inside it: a record without a customer needs '*').
 */
export async function asCatalogueWriter<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const [row] = await query<{ prev: string | null }>(
    tx,
    `SELECT current_setting('app.customer_ids', true) AS prev`,
    [],
  );
  if (row?.prev === "*") return fn();
  await query(tx, `SELECT set_config('app.customer_ids', '*', true)`, []);
  try {
    return await fn();
  } finally {
    await query(tx, `SELECT set_config('app.customer_ids', $1, true)`, [row?.prev ?? ""]);
  }
}

/** Conventional and sexed NAAB codes share one namespace, and registration numbers are unique. */
async function assertUnique(
  tx: Tx,
  b: { naabCode: string; sexedNaabCode: string | null; registrationNumber: string },
  exceptId: string | null,
) {
  const codes = [b.naabCode, ...(b.sexedNaabCode ? [b.sexedNaabCode] : [])];
  const [clash] = await query<{
    name: string;
    naabCode: string;
    sexedNaabCode: string | null;
    registrationNumber: string;
  }>(
    tx,
    `SELECT name, naab_code AS "naabCode", sexed_naab_code AS "sexedNaabCode", registration_number AS "registrationNumber"
       FROM bulls
      WHERE id IS DISTINCT FROM $3::uuid
        AND (naab_code = ANY($1::text[]) OR sexed_naab_code = ANY($1::text[]) OR registration_number = $2)
      LIMIT 1`,
    [codes, b.registrationNumber, exceptId],
  );
  if (!clash) return;
  if (clash.registrationNumber === b.registrationNumber)
    throw new AppError("CONFLICT", `Registration number ${b.registrationNumber} already belongs to bull ${clash.name}`);
  const code = codes.find((c) => c === clash.naabCode || c === clash.sexedNaabCode)!;
  throw new AppError("CONFLICT", `NAAB code ${code} is already used by bull ${clash.name}`);
}

const isUnique = (e: unknown) => (e as { code?: unknown }).code === "P2002";

export async function createBull(tx: Tx, raw: z.input<typeof createBullInput>): Promise<BullView> {
  const input = parseOrThrow(createBullInput, raw);
  const data = { ...input, sexedNaabCode: input.sexedNaabCode ?? null };
  return asCatalogueWriter(tx, async () => {
    await assertUnique(tx, data, null);
    const created = await tx.bull.create({ data, select: { id: true } }).catch((e: unknown) => {
      throw isUnique(e) ? new AppError("CONFLICT", "A bull with one of these codes already exists") : e;
    });
    return getBull(tx, created.id);
  });
}

/** Returns the customers with animals sired by the bull: their cached pedigrees show it. */
export async function updateBull(
  tx: Tx,
  raw: z.input<typeof updateBullInput>,
): Promise<{ before: BullView; after: BullView; affectedCustomerIds: string[] }> {
  const input = parseOrThrow(updateBullInput, raw);
  const before = await getBull(tx, input.bullId);
  const merged = {
    naabCode: input.naabCode ?? before.naabCode,
    sexedNaabCode: input.sexedNaabCode === undefined ? before.sexedNaabCode : input.sexedNaabCode,
    registrationNumber: input.registrationNumber ?? before.registrationNumber,
    name: input.name ?? before.name,
    breed: input.breed ?? before.breed,
  };
  if (merged.sexedNaabCode && merged.sexedNaabCode === merged.naabCode)
    throw new AppError("BAD_REQUEST", "The sexed-semen NAAB code must differ from the conventional one");
  return asCatalogueWriter(tx, async () => {
    await assertUnique(tx, merged, input.bullId);
    await tx.bull.update({ where: { id: input.bullId }, data: merged, select: { id: true } }).catch((e: unknown) => {
      throw isUnique(e) ? new AppError("CONFLICT", "A bull with one of these codes already exists") : e;
    });
    const customers = await query<{ id: string }>(
      tx,
      `SELECT DISTINCT customer_id::text AS id FROM animals WHERE sire_bull_id = $1::uuid`,
      [input.bullId],
    );
    return { before, after: await getBull(tx, input.bullId), affectedCustomerIds: customers.map((c) => c.id) };
  });
}

export const BULLS_TTL_SECONDS = 300;
export const BULLS_NAMESPACE = keys.global("bulls");

export function cachedBulls<T>(cache: Cache, key: string, load: () => Promise<T>): Promise<T> {
  return cache.getOrLoad(BULLS_NAMESPACE, key, BULLS_TTL_SECONDS, load);
}

/** After a bull write: the catalogue, and the animals (pedigrees, details) of every customer showing it. */
export async function invalidateBulls(cache: Cache, affectedCustomerIds: readonly string[] = []) {
  await cache.invalidate(BULLS_NAMESPACE);
  for (const id of affectedCustomerIds) await invalidateAnimals(cache, id);
}

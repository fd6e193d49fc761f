// Reads: the filtered, keyset-paginated list with its total, one animal's row, and its detail view.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { decodeCursor, encodeCursor } from "./cursor";
import { hasGenotypeSql } from "./genotyped";
import { normaliseOfficialId } from "./official-id";
import { inbreeding } from "./pedigree";
import type { AnimalDetail, AnimalPage, AnimalView, ListAnimalsInput } from "./schemas";
import { ANIMAL_COLUMNS, likePrefix, query, Sql } from "./sql";

/** Which customers a read covers: a tenant transaction's scope. */
export type CustomerScope = "all" | readonly string[];

const SORT_COLUMN: Record<ListAnimalsInput["sort"], { sql: string; nullable: boolean; cast: string }> = {
  officialId: { sql: "a.official_id", nullable: false, cast: "" },
  herdTag: { sql: "a.herd_tag", nullable: true, cast: "" },
  name: { sql: "a.name", nullable: true, cast: "" },
  birthDate: { sql: "a.birth_date", nullable: false, cast: "::date" },
};

/** The value of the sort column as it appears in a row (and in cursors). */
const sortValue = (row: AnimalView, sort: ListAnimalsInput["sort"]): string | null => row[sort];

function filters(q: Sql, scope: CustomerScope, input: ListAnimalsInput): string[] {
  const where: string[] = [];
  if (input.customerId) where.push(`a.customer_id = ${q.p(input.customerId)}::uuid`);
  else if (scope !== "all") where.push(`a.customer_id = ANY(${q.p([...scope])}::uuid[])`);
  if (input.search) {
    const id = q.p(likePrefix(normaliseOfficialId(input.search)));
    const text = q.p(likePrefix(input.search));
    where.push(`(a.official_id LIKE ${id} OR a.herd_tag ILIKE ${text} OR a.name ILIKE ${text})`);
  }
  if (input.breed) where.push(`a.breed = ${q.p(input.breed)}`);
  if (input.sex) where.push(`a.sex = ${q.p(input.sex)}::"Sex"`);
  if (input.status) where.push(`a.status = ${q.p(input.status)}::"AnimalStatus"`);
  if (input.bornFrom) where.push(`a.birth_date >= ${q.p(input.bornFrom)}::date`);
  if (input.bornTo) where.push(`a.birth_date <= ${q.p(input.bornTo)}::date`);
  if (input.hasGenotype !== undefined)
    where.push(input.hasGenotype ? hasGenotypeSql("a") : `NOT (${hasGenotypeSql("a")})`);
  return where;
}

/** Rows strictly after the cursor in (sort column, id) order; NULLs sort last ascending, first descending. */
function after(q: Sql, input: ListAnimalsInput): string | null {
  if (!input.cursor) return null;
  const c = decodeCursor(input.cursor, input.sort, input.order);
  const col = SORT_COLUMN[input.sort];
  const id = `${q.p(c.id)}::uuid`;
  if (!col.nullable) {
    if (c.value === null) throw new AppError("BAD_REQUEST", "Invalid cursor");
    return `(${col.sql}, a.id) ${input.order === "asc" ? ">" : "<"} (${q.p(c.value)}${col.cast}, ${id})`;
  }
  if (input.order === "asc")
    return c.value === null
      ? `(${col.sql} IS NULL AND a.id > ${id})`
      : `(${col.sql} > ${q.p(c.value)} OR ${col.sql} IS NULL OR (${col.sql} = $${q.params.length} AND a.id > ${id}))`;
  return c.value === null
    ? `(${col.sql} IS NOT NULL OR a.id < ${id})`
    : `(${col.sql} < ${q.p(c.value)} OR (${col.sql} = $${q.params.length} AND a.id < ${id}))`;
}

/**
 * One page of animals and the size of the whole filtered set. `includeCustomer` adds the customer
 * (id + name) to each row, for staff searching across several customers.
 */
export async function listAnimals(
  tx: Tx,
  scope: CustomerScope,
  input: ListAnimalsInput,
  options: { includeCustomer?: boolean } = {},
): Promise<AnimalPage> {
  const q = new Sql();
  const where = filters(q, scope, input);
  const countParams = [...q.params];
  const countSql = `SELECT count(*)::int AS n FROM animals a ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`;

  const page = [...where];
  const cursor = after(q, input);
  if (cursor) page.push(cursor);
  const col = SORT_COLUMN[input.sort].sql;
  const dir = input.order === "asc" ? "ASC NULLS LAST" : "DESC NULLS FIRST";
  const customer = options.includeCustomer ? `, json_build_object('id', c.id::text, 'name', c.name) AS customer` : "";
  const join = options.includeCustomer ? "JOIN customers c ON c.id = a.customer_id" : "";
  const rows = await query<AnimalView>(
    tx,
    `SELECT ${ANIMAL_COLUMNS}${customer} FROM animals a ${join}
      ${page.length ? `WHERE ${page.join(" AND ")}` : ""}
      ORDER BY ${col} ${dir}, a.id ${input.order === "asc" ? "ASC" : "DESC"}
      LIMIT ${q.p(input.limit + 1)}`,
    q.params,
  );
  const [count] = await query<{ n: number }>(tx, countSql, countParams);
  const more = rows.length > input.limit;
  const items = more ? rows.slice(0, input.limit) : rows;
  const last = items.at(-1);
  return {
    items,
    total: count?.n ?? 0,
    nextCursor:
      more && last
        ? encodeCursor({ sort: input.sort, order: input.order, value: sortValue(last, input.sort), id: last.id })
        : null,
  };
}

/** The customer an animal belongs to, within the transaction's scope; NOT_FOUND when invisible. */
export async function locateAnimal(tx: Tx, animalId: string, customerId?: string): Promise<string> {
  const [row] = await query<{ customerId: string }>(
    tx,
    `SELECT customer_id::text AS "customerId" FROM animals WHERE id = $1::uuid ${customerId ? "AND customer_id = $2::uuid" : ""}`,
    customerId ? [animalId, customerId] : [animalId],
  );
  if (!row) throw new AppError("NOT_FOUND", "Animal not found");
  return row.customerId;
}

export async function getAnimalRow(tx: Tx, customerId: string, animalId: string): Promise<AnimalView> {
  const [row] = await query<AnimalView>(
    tx,
    `SELECT ${ANIMAL_COLUMNS} FROM animals a WHERE a.id = $1::uuid AND a.customer_id = $2::uuid`,
    [animalId, customerId],
  );
  if (!row) throw new AppError("NOT_FOUND", "Animal not found");
  return row;
}

const REF = (alias: string) =>
  `CASE WHEN ${alias}.id IS NULL THEN NULL ELSE json_build_object('id', ${alias}.id::text, 'officialId', ${alias}.official_id, 'name', ${alias}.name) END`;

/** The detail view: the record, its parents named, offspring count and inbreeding over all known ancestors. */
export async function getAnimal(tx: Tx, customerId: string, animalId: string): Promise<AnimalDetail> {
  const [row] = await query<Omit<AnimalDetail, "inbreeding" | "knownAncestors">>(
    tx,
    `SELECT ${ANIMAL_COLUMNS},
            ${REF("s")} AS sire, ${REF("d")} AS dam, ${REF("r")} AS "recipientDam",
            CASE WHEN b.id IS NULL THEN NULL ELSE json_build_object('id', b.id::text, 'naabCode', b.naab_code,
              'registrationNumber', b.registration_number, 'name', b.name) END AS "sireBull",
            (SELECT count(*)::int FROM animals o
              WHERE o.customer_id = a.customer_id AND (o.sire_id = a.id OR o.dam_id = a.id)) AS "offspringCount"
       FROM animals a
       LEFT JOIN animals s ON s.id = a.sire_id
       LEFT JOIN animals d ON d.id = a.dam_id
       LEFT JOIN animals r ON r.id = a.recipient_dam_id
       LEFT JOIN bulls b ON b.id = a.sire_bull_id
      WHERE a.id = $1::uuid AND a.customer_id = $2::uuid`,
    [animalId, customerId],
  );
  if (!row) throw new AppError("NOT_FOUND", "Animal not found");
  return { ...row, ...(await inbreeding(tx, customerId, animalId)) };
}

// A small builder for parameterised raw SQL ($1, $2, … placeholders), for the queries Prisma's
// query API cannot express (keyset pagination with NULLs, recursive pedigrees, row locks).
import type { Tx } from "@reprotech/db";

export class Sql {
  readonly params: unknown[] = [];
  /** Adds a parameter and returns its placeholder, e.g. `${q.p(id)}::uuid`. */
  p(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

export function query<T>(tx: Tx, text: string, params: readonly unknown[]): Promise<T[]> {
  return tx.$queryRawUnsafe<T[]>(text, ...params);
}

/** Escapes LIKE wildcards so user input matches literally. */
export const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The animal columns every read returns, shaped as `AnimalView` (alias `a`). */
export const ANIMAL_COLUMNS = `
  a.id::text AS "id", a.customer_id::text AS "customerId", a.official_id AS "officialId",
  a.herd_tag AS "herdTag", a.name AS "name", a.breed AS "breed", a.sex::text AS "sex",
  to_char(a.birth_date, 'YYYY-MM-DD') AS "birthDate", a.status::text AS "status",
  to_char(a.status_date, 'YYYY-MM-DD') AS "statusDate", a.sire_id::text AS "sireId",
  a.sire_bull_id::text AS "sireBullId", a.dam_id::text AS "damId", a.recipient_dam_id::text AS "recipientDamId",
  a.notes AS "notes",
  to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

// Pedigree integrity, checked on every write before anything is written: parents exist in the same
// herd (or the bull catalogue), have the right sex, were born before the offspring, and no animal
// becomes its own ancestor. Each failure is an AppError naming the animals involved.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { query } from "./sql";

export interface ParentRefs {
  sireId: string | null;
  sireBullId: string | null;
  damId: string | null;
  recipientDamId: string | null;
}

export interface PedigreeSubject extends ParentRefs {
  /** null for an animal not yet created. */
  id: string | null;
  officialId: string;
  birthDate: string;
}

const ROLE = {
  sireId: { label: "Sire", sex: "male" },
  damId: { label: "Dam", sex: "female" },
  recipientDamId: { label: "Recipient dam", sex: "female" },
} as const;
type ParentRole = keyof typeof ROLE;

const bad = (message: string, details?: Record<string, unknown>) => new AppError("BAD_REQUEST", message, details);

/**
 * Throws unless the parents of `child` are valid. `checkCycles` walks the new parents' ancestry in
 * one recursive query (needed only when an existing animal gets new parents).
 */
export async function assertPedigree(
  tx: Tx,
  customerId: string,
  child: PedigreeSubject,
  options: { checkCycles?: boolean } = {},
): Promise<void> {
  if (child.sireId && child.sireBullId)
    throw bad("An animal has one sire: give sireId (a herd animal) or sireBullId (a catalogue bull), not both");
  const roles = (Object.keys(ROLE) as ParentRole[]).filter((r) => child[r]);
  for (const r of roles)
    if (child.id && child[r] === child.id)
      throw bad(`${child.officialId} cannot be its own ${ROLE[r].label.toLowerCase()}`);

  const ids = [...new Set(roles.map((r) => child[r]!))];
  if (ids.length) {
    const rows = await query<{ id: string; officialId: string; sex: string; birthDate: string }>(
      tx,
      `SELECT id::text AS id, official_id AS "officialId", sex::text AS sex, to_char(birth_date, 'YYYY-MM-DD') AS "birthDate"
         FROM animals WHERE customer_id = $1::uuid AND id = ANY($2::uuid[])`,
      [customerId, ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of roles) {
      const id = child[r]!;
      const parent = byId.get(id);
      const { label, sex } = ROLE[r];
      if (!parent) throw bad(`${label} not found: no animal ${id} in this herd`, { field: r });
      if (parent.sex !== sex)
        throw bad(`${label} ${parent.officialId} is ${parent.sex}; a ${label.toLowerCase()} must be ${sex}`, {
          field: r,
        });
    }
    if (child.id && options.checkCycles) await assertNoCycle(tx, customerId, child, roles);
    for (const r of roles) {
      const parent = byId.get(child[r]!)!;
      if (parent.birthDate >= child.birthDate)
        throw bad(
          `${ROLE[r].label} ${parent.officialId} was born on ${parent.birthDate}, not before ${child.officialId} (born ${child.birthDate})`,
          { field: r },
        );
    }
  }
  if (child.sireBullId) {
    const [bull] = await query<{ id: string }>(tx, `SELECT id::text AS id FROM bulls WHERE id = $1::uuid`, [
      child.sireBullId,
    ]);
    if (!bull) throw bad(`Sire bull not found: no catalogue bull ${child.sireBullId}`, { field: "sireBullId" });
  }
}

/** One recursive query: does any new parent have `child` among its ancestors (or is it `child`)? */
async function assertNoCycle(tx: Tx, customerId: string, child: PedigreeSubject, roles: ParentRole[]) {
  const starts = roles.map((r) => child[r]!);
  const [hit] = await query<{ start: string; officialId: string }>(
    tx,
    `WITH RECURSIVE up(start, id) AS (
       SELECT s, s FROM unnest($1::uuid[]) AS s
       UNION
       SELECT up.start, v.parent
         FROM up JOIN animals a ON a.id = up.id AND a.customer_id = $2::uuid
         CROSS JOIN LATERAL (VALUES (a.sire_id), (a.dam_id), (a.recipient_dam_id)) AS v(parent)
        WHERE v.parent IS NOT NULL
     )
     SELECT up.start::text AS start, p.official_id AS "officialId"
       FROM up JOIN animals p ON p.id = up.start
      WHERE up.id = $3::uuid LIMIT 1`,
    [starts, customerId, child.id],
  );
  if (hit) {
    const role = roles.find((r) => child[r] === hit.start)!;
    throw bad(
      `${child.officialId} is an ancestor of ${hit.officialId}; making ${hit.officialId} its ${ROLE[role].label.toLowerCase()} would make ${child.officialId} its own ancestor`,
      { field: role },
    );
  }
}

/** An animal's sex and birth date must stay consistent with the offspring that already name it. */
export async function assertOffspringConsistent(
  tx: Tx,
  customerId: string,
  animal: { id: string; officialId: string; sex: string; birthDate: string },
): Promise<void> {
  const [clash] = await query<{ officialId: string; birthDate: string; asSire: boolean; asDam: boolean }>(
    tx,
    `SELECT official_id AS "officialId", to_char(birth_date, 'YYYY-MM-DD') AS "birthDate",
            sire_id = $2::uuid AS "asSire", (dam_id = $2::uuid OR recipient_dam_id = $2::uuid) AS "asDam"
       FROM animals
      WHERE customer_id = $1::uuid AND (sire_id = $2::uuid OR dam_id = $2::uuid OR recipient_dam_id = $2::uuid)
        AND ((sire_id = $2::uuid AND $3 = 'female') OR ((dam_id = $2::uuid OR recipient_dam_id = $2::uuid) AND $3 = 'male')
             OR birth_date <= $4::date)
      LIMIT 1`,
    [customerId, animal.id, animal.sex, animal.birthDate],
  );
  if (!clash) return;
  if (clash.asSire && animal.sex === "female")
    throw bad(`${animal.officialId} is the sire of ${clash.officialId}, so it cannot be female`, { field: "sex" });
  if (clash.asDam && animal.sex === "male")
    throw bad(`${animal.officialId} is the dam of ${clash.officialId}, so it cannot be male`, { field: "sex" });
  throw bad(
    `${animal.officialId}'s offspring ${clash.officialId} was born on ${clash.birthDate}, not after ${animal.birthDate}`,
    { field: "birthDate" },
  );
}

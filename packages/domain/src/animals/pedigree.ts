// Pedigrees: ancestors and descendants, each in ONE recursive query (never one query per generation),
// and the inbreeding coefficient of an animal over its whole known ancestry.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { inbreedingOf, type PedigreeEntry } from "./inbreeding";
import type { Pedigree, PedigreeNode } from "./schemas";
import { query } from "./sql";

/** Generations followed when computing inbreeding over "all" known ancestors (pedigrees are acyclic). */
export const ANCESTRY_LIMIT = 100;

const NODE_COLUMNS = `
  a.id::text AS id, 'animal' AS kind, a.official_id AS "officialId", NULL::text AS "naabCode",
  NULL::text AS "registrationNumber", a.name, a.breed, a.sex::text AS sex,
  to_char(a.birth_date, 'YYYY-MM-DD') AS "birthDate", a.sire_id::text AS "sireId",
  a.sire_bull_id::text AS "sireBullId", a.dam_id::text AS "damId"`;

/**
 * The animal (generation 0) and its ancestors up to `depth` generations: herd animals through sire
 * and dam (the ET recipient is not a genetic parent), plus catalogue bulls as sires, which end their
 * line. An ancestor reached along several paths appears once, at its nearest generation.
 */
export const ANCESTORS_SQL = `
  WITH RECURSIVE anc(id, depth) AS (
    SELECT a.id, 0 FROM animals a WHERE a.id = $1::uuid AND a.customer_id = $2::uuid
    UNION
    SELECT v.parent, anc.depth + 1
      FROM anc JOIN animals a ON a.id = anc.id AND a.customer_id = $2::uuid
      CROSS JOIN LATERAL (VALUES (a.sire_id), (a.dam_id)) AS v(parent)
     WHERE v.parent IS NOT NULL AND anc.depth < $3
  ),
  nodes AS (SELECT id, min(depth) AS generation FROM anc GROUP BY id)
  SELECT ${NODE_COLUMNS}, n.generation
    FROM nodes n JOIN animals a ON a.id = n.id AND a.customer_id = $2::uuid
  UNION ALL
  SELECT b.id::text, 'bull', NULL, b.naab_code, b.registration_number, b.name, b.breed, 'male', NULL, NULL, NULL, NULL,
         min(n.generation) + 1
    FROM nodes n JOIN animals a ON a.id = n.id AND a.customer_id = $2::uuid JOIN bulls b ON b.id = a.sire_bull_id
   WHERE n.generation < $3
   GROUP BY b.id
  ORDER BY generation, "officialId" NULLS LAST, id`;

/** The animal (generation 0) and its offspring, grand-offspring, … up to `depth` generations. */
export const DESCENDANTS_SQL = `
  WITH RECURSIVE des(id, depth) AS (
    SELECT a.id, 0 FROM animals a WHERE a.id = $1::uuid AND a.customer_id = $2::uuid
    UNION
    SELECT o.id, des.depth + 1
      FROM des CROSS JOIN LATERAL (
        SELECT c.id FROM animals c WHERE c.sire_id = des.id AND c.customer_id = $2::uuid
        UNION ALL
        SELECT c.id FROM animals c WHERE c.dam_id = des.id AND c.customer_id = $2::uuid
      ) AS o
     WHERE des.depth < $3
  ),
  nodes AS (SELECT id, min(depth) AS generation FROM des GROUP BY id)
  SELECT ${NODE_COLUMNS}, n.generation
    FROM nodes n JOIN animals a ON a.id = n.id AND a.customer_id = $2::uuid
  ORDER BY generation, "officialId", id`;

async function walk(tx: Tx, sql: string, customerId: string, animalId: string, depth: number): Promise<Pedigree> {
  const rows = await query<PedigreeNode>(tx, sql, [animalId, customerId, depth]);
  const root = rows.find((r) => r.generation === 0);
  if (!root) throw new AppError("NOT_FOUND", "Animal not found");
  return { root, depth, nodes: rows.filter((r) => r !== root) };
}

export const ancestors = (tx: Tx, customerId: string, animalId: string, depth: number) =>
  walk(tx, ANCESTORS_SQL, customerId, animalId, depth);

export const descendants = (tx: Tx, customerId: string, animalId: string, depth: number) =>
  walk(tx, DESCENDANTS_SQL, customerId, animalId, depth);

/** A pedigree as the (id, sire, dam) list the inbreeding algorithm takes; bulls are founders. */
export function pedigreeEntries(p: Pedigree): PedigreeEntry[] {
  return [p.root, ...p.nodes].map((n) => ({
    id: n.id,
    sire: n.kind === "bull" ? null : (n.sireId ?? n.sireBullId),
    dam: n.kind === "bull" ? null : n.damId,
  }));
}

/** Inbreeding over every known ancestor: one recursive query, then Meuwissen & Luo. */
export async function inbreeding(
  tx: Tx,
  customerId: string,
  animalId: string,
): Promise<{ inbreeding: number; knownAncestors: number }> {
  const p = await ancestors(tx, customerId, animalId, ANCESTRY_LIMIT);
  // Parents beyond the followed generations become founders, which is what "known ancestry" means.
  return { inbreeding: inbreedingOf(animalId, pedigreeEntries(p)), knownAncestors: p.nodes.length };
}

// GBV traits: the catalogue of what models predict (the seed's four, seeded by the migration, and
// those admins add), each with its unit, direction and default heritability. Catalogue rows: any
// scoped transaction reads them; adding one needs the '*' scope (a catalogue procedure).
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { query } from "../animals/sql";

export const traitCodeSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,49}$/, "A trait code is 2–50 lower-case letters, digits or _, starting with a letter");

export const traitSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  higherIsBetter: z.boolean(),
  defaultHeritability: z.number(),
  createdAt: z.string(),
});
export type Trait = z.infer<typeof traitSchema>;

export const addTraitInput = z.object({
  code: traitCodeSchema,
  name: z.string().trim().min(1, "Name the trait").max(100),
  unit: z.string().trim().min(1, "Give the trait's unit").max(30),
  higherIsBetter: z.boolean().default(true),
  defaultHeritability: z.number().gt(0, "Heritability must be above 0").lt(1, "Heritability must be below 1"),
});

const COLUMNS = `t.id::text AS id, t.code, t.name, t.unit, t.higher_is_better AS "higherIsBetter",
  t.default_heritability AS "defaultHeritability",
  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

export function listTraits(tx: Tx): Promise<Trait[]> {
  return query<Trait>(tx, `SELECT ${COLUMNS} FROM gbv_traits t ORDER BY t.created_at, t.code`, []);
}

export async function getTrait(tx: Tx, idOrCode: { id: string } | { code: string }): Promise<Trait> {
  const [row] =
    "id" in idOrCode
      ? await query<Trait>(tx, `SELECT ${COLUMNS} FROM gbv_traits t WHERE t.id = $1::uuid`, [idOrCode.id])
      : await query<Trait>(tx, `SELECT ${COLUMNS} FROM gbv_traits t WHERE t.code = $1`, [idOrCode.code]);
  if (!row) throw new AppError("NOT_FOUND", "Trait not found");
  return row;
}

/** Adds a trait (needs the '*' scope). A code already in use is a CONFLICT. */
export async function addTrait(tx: Tx, input: z.output<typeof addTraitInput>): Promise<Trait> {
  const [row] = await query<Trait>(
    tx,
    `INSERT INTO gbv_traits AS t (id, code, name, unit, higher_is_better, default_heritability)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)
     ON CONFLICT (code) DO NOTHING
     RETURNING ${COLUMNS}`,
    [input.code, input.name, input.unit, input.higherIsBetter, input.defaultHeritability],
  );
  if (!row) throw new AppError("CONFLICT", `A trait with the code ${input.code} already exists`);
  return row;
}

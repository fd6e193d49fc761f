// gbv.forAnimal: an animal's GBVs — per trait the current prediction (value, reliability, percentile
// within breed and within its customer, model and version, when) and the earlier ones as history —
// cached in the customer's GBV namespace (cache.ts), which scoring invalidates when they change.
// An animal the caller's scope cannot see is NOT_FOUND (RLS and the explicit customer filter).
import type { Cache } from "@reprotech/cache";
import type { Tx } from "@reprotech/db";
import { z } from "zod";
import { locateAnimal } from "../animals/queries";
import { query } from "../animals/sql";
import { cachedGbv } from "./cache";

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const predictionSchema = z.object({
  value: z.number(),
  reliability: z.number(),
  percentileBreed: z.number().nullable(),
  percentileCustomer: z.number().nullable(),
  modelId: z.uuid(),
  modelVersion: z.number().int(),
  panelId: z.uuid(),
  genotypeId: z.uuid(),
  predictedAt: z.string(),
});
export type Prediction = z.infer<typeof predictionSchema>;

export const traitGbvSchema = z.object({
  traitId: z.uuid(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  higherIsBetter: z.boolean(),
  /** null: no published model has scored this animal for the trait. */
  current: predictionSchema.nullable(),
  /** Earlier predictions, newest first. */
  history: z.array(predictionSchema),
});

export const animalGbvSchema = z.object({
  animalId: z.uuid(),
  customerId: z.uuid(),
  traits: z.array(traitGbvSchema),
});
export type AnimalGbv = z.infer<typeof animalGbvSchema>;

export const forAnimalInput = z.object({ animalId: z.uuid(), customerId: z.uuid().optional() });

type Row = Prediction & { traitId: string; isCurrent: boolean };

async function load(tx: Tx, customerId: string, animalId: string): Promise<AnimalGbv> {
  const traits = await query<Omit<z.infer<typeof traitGbvSchema>, "current" | "history">>(
    tx,
    `SELECT id::text AS "traitId", code, name, unit, higher_is_better AS "higherIsBetter" FROM gbv_traits ORDER BY created_at, code`,
    [],
  );
  const rows = await query<Row>(
    tx,
    `SELECT p.trait_id::text AS "traitId", p.value, p.reliability, p.percentile_breed AS "percentileBreed",
            p.percentile_customer AS "percentileCustomer", p.model_id::text AS "modelId", m.version AS "modelVersion",
            m.panel_id::text AS "panelId", p.genotype_id::text AS "genotypeId", ${ISO("p.created_at")} AS "predictedAt",
            p.is_current AS "isCurrent"
     FROM gbv_predictions p JOIN gbv_models m ON m.id = p.model_id
     WHERE p.animal_id = $1::uuid AND p.customer_id = $2::uuid
     ORDER BY p.created_at DESC, m.version DESC`,
    [animalId, customerId],
  );
  const strip = ({ traitId: _t, isCurrent: _c, ...p }: Row): Prediction => p;
  return {
    animalId,
    customerId,
    traits: traits.map((t) => {
      const mine = rows.filter((r) => r.traitId === t.traitId);
      const current = mine.find((r) => r.isCurrent);
      return { ...t, current: current ? strip(current) : null, history: mine.filter((r) => !r.isCurrent).map(strip) };
    }),
  };
}

export async function animalGbv(
  tx: Tx,
  cache: Cache,
  input: { animalId: string; customerId?: string | undefined },
): Promise<AnimalGbv> {
  const customerId = await locateAnimal(tx, input.animalId, input.customerId);
  return cachedGbv(cache, customerId, "forAnimal", { animalId: input.animalId }, () =>
    load(tx, customerId, input.animalId),
  );
}

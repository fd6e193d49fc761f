// Writes: create, update, setStatus. Each validates everything (input, duplicates, pedigree, quota)
// before its one write, inside the caller's transaction, so nothing is written on any error.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import type { z } from "zod";
import { fromIsoDate } from "./dates";
import { assertOffspringConsistent, assertPedigree, type ParentRefs } from "./integrity";
import { officialIdSexError } from "./official-id";
import { getAnimalRow } from "./queries";
import { assertQuota } from "./quota";
import {
  createAnimalInput,
  setAnimalStatusInput,
  updateAnimalInput,
  type AnimalView,
  type CreateAnimalInput,
  type UpdateAnimalInput,
} from "./schemas";
import { query } from "./sql";

/** Parses with a module schema; failures become BAD_REQUEST with every issue's message. */
export function parseOrThrow<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  throw new AppError("BAD_REQUEST", message, { issues: parsed.error.issues });
}

export async function assertOfficialIdFree(tx: Tx, customerId: string, officialId: string, exceptId: string | null) {
  const [clash] = await query<{ id: string }>(
    tx,
    `SELECT id::text AS id FROM animals WHERE customer_id = $1::uuid AND official_id = $2 AND id IS DISTINCT FROM $3::uuid`,
    [customerId, officialId, exceptId],
  );
  if (clash) throw duplicate(officialId);
}

const duplicate = (officialId: string) =>
  new AppError("CONFLICT", `An animal with official ID ${officialId} already exists in this herd`, {
    field: "officialId",
  });

/** A unique violation that slipped past the check (a concurrent insert) is still a CONFLICT naming the ID. */
async function uniqueAsConflict<T>(officialId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2002") throw duplicate(officialId);
    throw error;
  }
}

const parentsOf = (a: ParentRefs): ParentRefs => ({
  sireId: a.sireId ?? null,
  sireBullId: a.sireBullId ?? null,
  damId: a.damId ?? null,
  recipientDamId: a.recipientDamId ?? null,
});

export async function createAnimal(tx: Tx, raw: CreateAnimalInput): Promise<AnimalView> {
  const input = parseOrThrow(createAnimalInput, raw);
  const parents = parentsOf({
    sireId: input.sireId ?? null,
    sireBullId: input.sireBullId ?? null,
    damId: input.damId ?? null,
    recipientDamId: input.recipientDamId ?? null,
  });
  await assertOfficialIdFree(tx, input.customerId, input.officialId, null);
  await assertPedigree(tx, input.customerId, {
    id: null,
    officialId: input.officialId,
    birthDate: input.birthDate,
    ...parents,
  });
  if (input.status === "active") await assertQuota(tx, input.customerId, 1);
  const created = await uniqueAsConflict(input.officialId, () =>
    tx.animal.create({
      data: {
        customerId: input.customerId,
        officialId: input.officialId,
        herdTag: input.herdTag ?? null,
        name: input.name ?? null,
        breed: input.breed,
        sex: input.sex,
        birthDate: fromIsoDate(input.birthDate),
        status: input.status,
        statusDate: input.status === "active" || !input.statusDate ? null : fromIsoDate(input.statusDate),
        ...parents,
        notes: input.notes ?? null,
      },
      select: { id: true },
    }),
  );
  return getAnimalRow(tx, input.customerId, created.id);
}

export async function updateAnimal(tx: Tx, raw: UpdateAnimalInput): Promise<{ before: AnimalView; after: AnimalView }> {
  const input = parseOrThrow(updateAnimalInput, raw);
  const { customerId, animalId } = input;
  const before = await getAnimalRow(tx, customerId, animalId);

  // One sire: naming a herd sire replaces a catalogue one, and the other way round.
  const sire =
    input.sireId !== undefined && input.sireId !== null
      ? { sireId: input.sireId, sireBullId: input.sireBullId ?? null }
      : input.sireBullId !== undefined && input.sireBullId !== null
        ? { sireId: input.sireId ?? null, sireBullId: input.sireBullId }
        : {
            sireId: input.sireId === undefined ? before.sireId : input.sireId,
            sireBullId: input.sireBullId === undefined ? before.sireBullId : input.sireBullId,
          };
  const merged = {
    officialId: input.officialId ?? before.officialId,
    sex: input.sex ?? before.sex,
    birthDate: input.birthDate ?? before.birthDate,
    ...sire,
    damId: input.damId === undefined ? before.damId : input.damId,
    recipientDamId: input.recipientDamId === undefined ? before.recipientDamId : input.recipientDamId,
  };

  if (merged.officialId !== before.officialId) await assertOfficialIdFree(tx, customerId, merged.officialId, animalId);
  const sexError = officialIdSexError(merged.officialId, merged.sex);
  if (sexError) throw new AppError("BAD_REQUEST", sexError, { field: "officialId" });

  const parentsChanged =
    merged.sireId !== before.sireId ||
    merged.sireBullId !== before.sireBullId ||
    merged.damId !== before.damId ||
    merged.recipientDamId !== before.recipientDamId;
  if (parentsChanged || merged.birthDate !== before.birthDate)
    await assertPedigree(tx, customerId, { id: animalId, ...merged }, { checkCycles: parentsChanged });
  if (merged.sex !== before.sex || merged.birthDate !== before.birthDate)
    await assertOffspringConsistent(tx, customerId, { id: animalId, ...merged });
  if (before.statusDate && before.statusDate < merged.birthDate)
    throw new AppError("BAD_REQUEST", `Birth date ${merged.birthDate} is after the status date ${before.statusDate}`, {
      field: "birthDate",
    });

  await uniqueAsConflict(merged.officialId, () =>
    tx.animal.update({
      where: { id: animalId, customerId },
      data: {
        officialId: merged.officialId,
        sex: merged.sex,
        birthDate: fromIsoDate(merged.birthDate),
        sireId: merged.sireId,
        sireBullId: merged.sireBullId,
        damId: merged.damId,
        recipientDamId: merged.recipientDamId,
        ...(input.herdTag !== undefined ? { herdTag: input.herdTag } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.breed !== undefined ? { breed: input.breed } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
      },
      select: { id: true },
    }),
  );
  return { before, after: await getAnimalRow(tx, customerId, animalId) };
}

/** Sold, dead or culled on a date; back to active (which counts against the quota again). */
export async function setAnimalStatus(
  tx: Tx,
  raw: z.input<typeof setAnimalStatusInput>,
): Promise<{ before: AnimalView; after: AnimalView }> {
  const input = parseOrThrow(setAnimalStatusInput, raw);
  const before = await getAnimalRow(tx, input.customerId, input.animalId);
  const statusDate = input.status === "active" ? null : input.statusDate!;
  if (statusDate && statusDate < before.birthDate)
    throw new AppError("BAD_REQUEST", `Status date ${statusDate} is before the birth date ${before.birthDate}`, {
      field: "statusDate",
    });
  if (input.status === "active" && before.status !== "active") await assertQuota(tx, input.customerId, 1);
  await tx.animal.update({
    where: { id: input.animalId, customerId: input.customerId },
    data: { status: input.status, statusDate: statusDate ? fromIsoDate(statusDate) : null },
    select: { id: true },
  });
  return { before, after: await getAnimalRow(tx, input.customerId, input.animalId) };
}

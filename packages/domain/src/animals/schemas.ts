// Browser-safe schemas of the animals module: the SPA's forms, the API's inputs/outputs and the
// importer all validate through these.
import { z } from "zod";
import { BREED_CODES, BREEDS } from "./breeds";
import { isFutureDate, isIsoDate, latestAllowedDate } from "./dates";
import { officialIdSexError, parseOfficialId } from "./official-id";

export const SEXES = ["female", "male"] as const;
export const sexSchema = z.enum(SEXES);
export type Sex = z.infer<typeof sexSchema>;

export const ANIMAL_STATUSES = ["active", "sold", "dead", "culled"] as const;
export const animalStatusSchema = z.enum(ANIMAL_STATUSES);
export type AnimalStatus = z.infer<typeof animalStatusSchema>;

export const breedSchema = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(
    z.enum(BREED_CODES, {
      error: (iss) =>
        `Unknown breed code ${JSON.stringify(iss.input)}; use one of ${Object.entries(BREEDS)
          .map(([code, label]) => `${code} (${label})`)
          .join(", ")}`,
    }),
  );

/** An official ID in either accepted form, normalised (trimmed, spaces stripped, upper case). */
export const officialIdSchema = z.string().transform((raw, ctx) => {
  const parsed = parseOfficialId(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }
  return parsed.value;
});

/** A calendar date, YYYY-MM-DD. */
export const isoDateSchema = z
  .string()
  .trim()
  .refine(isIsoDate, { error: (iss) => `${JSON.stringify(iss.input)} is not a date (YYYY-MM-DD)` });

/** A date that has happened: not after today (in the easternmost time zone). */
export const pastDateSchema = (what: string) =>
  isoDateSchema.refine((s) => !isFutureDate(s), {
    error: (iss) => `${what} ${String(iss.input)} is in the future (latest allowed: ${latestAllowedDate()})`,
  });

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional();

const parentFields = {
  /** A male animal of the same customer… */
  sireId: z.uuid().nullable().optional(),
  /** …or a catalogue bull, never both. */
  sireBullId: z.uuid().nullable().optional(),
  /** The genetic dam (female, same customer). */
  damId: z.uuid().nullable().optional(),
  /** Embryo transfer: the cow that carried the calf (female, same customer); not a genetic parent. */
  recipientDamId: z.uuid().nullable().optional(),
};

type Issues = { addIssue(issue: { code: "custom"; message: string; path: string[] }): void };

function checkRecord(
  a: {
    officialId?: string;
    sex?: Sex;
    birthDate?: string;
    status?: AnimalStatus;
    statusDate?: string | null;
    sireId?: string | null;
    sireBullId?: string | null;
  },
  ctx: Issues,
) {
  if (a.sireId && a.sireBullId)
    ctx.addIssue({
      code: "custom",
      path: ["sireBullId"],
      message: "An animal has one sire: give sireId (a herd animal) or sireBullId (a catalogue bull), not both",
    });
  if (a.officialId && a.sex) {
    const error = officialIdSexError(a.officialId, a.sex);
    if (error) ctx.addIssue({ code: "custom", path: ["officialId"], message: error });
  }
  if (a.status !== undefined) {
    if (a.status === "active" && a.statusDate)
      ctx.addIssue({ code: "custom", path: ["statusDate"], message: "An active animal has no status date" });
    if (a.status !== "active" && !a.statusDate)
      ctx.addIssue({ code: "custom", path: ["statusDate"], message: `Give the date the animal was ${a.status}` });
  }
  if (a.birthDate && a.statusDate && a.statusDate < a.birthDate)
    ctx.addIssue({
      code: "custom",
      path: ["statusDate"],
      message: `Status date ${a.statusDate} is before the birth date ${a.birthDate}`,
    });
}

export const createAnimalInput = z
  .object({
    customerId: z.uuid(),
    officialId: officialIdSchema,
    herdTag: optionalText(20),
    name: optionalText(100),
    breed: breedSchema,
    sex: sexSchema,
    birthDate: pastDateSchema("Birth date"),
    status: animalStatusSchema.default("active"),
    statusDate: pastDateSchema("Status date").nullable().optional(),
    ...parentFields,
    notes: optionalText(2000),
  })
  .superRefine(checkRecord);
export type CreateAnimalInput = z.input<typeof createAnimalInput>;

/** Changes the record; status changes go through setStatus. `null` clears a field or a parent. */
export const updateAnimalInput = z
  .object({
    customerId: z.uuid(),
    animalId: z.uuid(),
    officialId: officialIdSchema.optional(),
    herdTag: optionalText(20),
    name: optionalText(100),
    breed: breedSchema.optional(),
    sex: sexSchema.optional(),
    birthDate: pastDateSchema("Birth date").optional(),
    ...parentFields,
    notes: optionalText(2000),
  })
  .superRefine(checkRecord);
export type UpdateAnimalInput = z.input<typeof updateAnimalInput>;

export const setAnimalStatusInput = z
  .object({
    customerId: z.uuid(),
    animalId: z.uuid(),
    status: animalStatusSchema,
    /** Required unless the status is active. */
    statusDate: pastDateSchema("Status date").nullable().optional(),
  })
  .superRefine(checkRecord);

/**
 * A boolean that also accepts "true"/"false", as REST query strings carry it. (A plain z.boolean()
 * would be coerced by the REST adapter, and Boolean("false") is true.)
 */
const booleanParam = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean(),
) as unknown as z.ZodType<boolean, boolean>;

export const ANIMAL_SORTS = ["officialId", "herdTag", "name", "birthDate"] as const;

export const listAnimalsInput = z
  .object({
    /** Optional for reads: without it, every customer in the caller's scope. */
    customerId: z.uuid().optional(),
    /** Case-insensitive prefix of the official ID, herd tag or name. */
    search: z.string().trim().max(100).optional(),
    breed: breedSchema.optional(),
    sex: sexSchema.optional(),
    status: animalStatusSchema.optional(),
    bornFrom: isoDateSchema.optional(),
    bornTo: isoDateSchema.optional(),
    /** Animals with (true) or without (false) a stored genotype; see animals/genotyped.ts. */
    hasGenotype: booleanParam.optional(),
    sort: z.enum(ANIMAL_SORTS).default("officialId"),
    order: z.enum(["asc", "desc"]).default("asc"),
    limit: z.number().int().min(1).max(500).default(50),
    /** Opaque: the `nextCursor` of the previous page, with the same sort and order. */
    cursor: z.string().max(500).optional(),
  })
  .default({ sort: "officialId", order: "asc", limit: 50 });
export type ListAnimalsInput = z.output<typeof listAnimalsInput>;

export const animalSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  /** Present on searches across several customers (internal staff). */
  customer: z.object({ id: z.uuid(), name: z.string() }).nullable().optional(),
  officialId: z.string(),
  herdTag: z.string().nullable(),
  name: z.string().nullable(),
  breed: z.string(),
  sex: sexSchema,
  birthDate: z.string(),
  status: animalStatusSchema,
  statusDate: z.string().nullable(),
  sireId: z.uuid().nullable(),
  sireBullId: z.uuid().nullable(),
  damId: z.uuid().nullable(),
  recipientDamId: z.uuid().nullable(),
  notes: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AnimalView = z.infer<typeof animalSchema>;

export const animalPageSchema = z.object({
  items: z.array(animalSchema),
  nextCursor: z.string().nullable(),
  /** Size of the whole filtered set, not of this page. */
  total: z.number().int(),
});
export type AnimalPage = z.infer<typeof animalPageSchema>;

const animalRef = z.object({ id: z.uuid(), officialId: z.string(), name: z.string().nullable() });

export const animalDetailSchema = animalSchema.extend({
  sire: animalRef.nullable(),
  sireBull: z
    .object({ id: z.uuid(), naabCode: z.string(), registrationNumber: z.string(), name: z.string() })
    .nullable(),
  dam: animalRef.nullable(),
  recipientDam: animalRef.nullable(),
  offspringCount: z.number().int(),
  /** Pedigree inbreeding coefficient over every known ancestor (Meuwissen & Luo 1992). */
  inbreeding: z.number(),
  /** How many distinct ancestors (herd animals and catalogue bulls) the coefficient was computed on. */
  knownAncestors: z.number().int(),
});
export type AnimalDetail = z.infer<typeof animalDetailSchema>;

export const PEDIGREE_MAX_DEPTH = 8;
export const pedigreeInput = z.object({
  customerId: z.uuid().optional(),
  animalId: z.uuid(),
  depth: z.number().int().min(1).max(PEDIGREE_MAX_DEPTH).default(4),
});

export const pedigreeNodeSchema = z.object({
  id: z.uuid(),
  /** Herd animal, or catalogue bull (which has no further ancestors here). */
  kind: z.enum(["animal", "bull"]),
  /** 1 = parents, 2 = grandparents, … (descendants: 1 = offspring); the shortest path when several. */
  generation: z.number().int(),
  officialId: z.string().nullable(),
  naabCode: z.string().nullable(),
  registrationNumber: z.string().nullable(),
  name: z.string().nullable(),
  breed: z.string(),
  sex: sexSchema,
  birthDate: z.string().nullable(),
  sireId: z.uuid().nullable(),
  sireBullId: z.uuid().nullable(),
  damId: z.uuid().nullable(),
});
export type PedigreeNode = z.infer<typeof pedigreeNodeSchema>;

export const pedigreeSchema = z.object({
  root: pedigreeNodeSchema,
  depth: z.number().int(),
  nodes: z.array(pedigreeNodeSchema),
});
export type Pedigree = z.infer<typeof pedigreeSchema>;

// Browser-safe schemas of the AI-bull catalogue.
import { z } from "zod";
import { breedSchema } from "../animals/schemas";

const NAAB = /^([0-9]{1,3})([A-Z]{2})([0-9]{1,5})$/;

/** Normalises (trim, upper case, no spaces) and validates a NAAB code: stud 1–3 digits, breed 2 letters, 1–5 digits. */
export function parseNaabCode(raw: string): { ok: true; value: string } | { ok: false; value: string; error: string } {
  const value = raw.replace(/\s+/g, "").toUpperCase();
  if (NAAB.test(value)) return { ok: true, value };
  return {
    ok: false,
    value,
    error: `NAAB code "${value}" is not valid: expected a stud code of 1–3 digits, a 2-letter breed code and a unit number of 1–5 digits (e.g. 7HO12345)`,
  };
}

export const naabCodeSchema = z.string().transform((raw, ctx) => {
  const parsed = parseNaabCode(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }
  return parsed.value;
});

export const registrationNumberSchema = z
  .string()
  .transform((s) => s.replace(/\s+/g, "").toUpperCase())
  .pipe(
    z
      .string()
      .min(1, "Registration number is required")
      .max(19, "Registration number: at most 19 characters")
      .regex(/^[0-9A-Z]+$/, "Registration number: letters and digits only"),
  );

const distinctCodes = (b: { naabCode?: string; sexedNaabCode?: string | null }, ctx: z.RefinementCtx) => {
  if (b.naabCode && b.sexedNaabCode && b.naabCode === b.sexedNaabCode)
    ctx.addIssue({
      code: "custom",
      path: ["sexedNaabCode"],
      message: "The sexed-semen NAAB code must differ from the conventional one",
    });
};

export const createBullInput = z
  .object({
    naabCode: naabCodeSchema,
    /** Sexed semen is marketed under its own NAAB code. */
    sexedNaabCode: naabCodeSchema.nullable().optional(),
    registrationNumber: registrationNumberSchema,
    name: z.string().trim().min(1, "Enter the bull's name").max(100),
    breed: breedSchema,
  })
  .superRefine(distinctCodes);

export const updateBullInput = z
  .object({
    bullId: z.uuid(),
    naabCode: naabCodeSchema.optional(),
    sexedNaabCode: naabCodeSchema.nullable().optional(),
    registrationNumber: registrationNumberSchema.optional(),
    name: z.string().trim().min(1).max(100).optional(),
    breed: breedSchema.optional(),
  })
  .superRefine(distinctCodes);

export const listBullsInput = z
  .object({
    /** Prefix of the NAAB code (conventional or sexed), registration number or name; case-insensitive. */
    search: z.string().trim().max(100).optional(),
    breed: breedSchema.optional(),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().max(300).optional(),
  })
  .default({ limit: 50 });

export const bullSchema = z.object({
  id: z.uuid(),
  naabCode: z.string(),
  sexedNaabCode: z.string().nullable(),
  registrationNumber: z.string(),
  name: z.string(),
  breed: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BullView = z.infer<typeof bullSchema>;

export const bullPageSchema = z.object({
  items: z.array(bullSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});

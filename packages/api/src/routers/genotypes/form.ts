// Multipart inputs of the genotypes routers (panel registration, uploads): FormData read field by field.
import { z } from "zod";

/** FormData → one value per named field (a field given twice is refused rather than guessed). */
export function formFields(keys: readonly string[], what: string) {
  return z.instanceof(FormData, { error: `Send multipart/form-data with ${what}` }).transform((form, ctx) => {
    const out: Record<string, File | string> = {};
    for (const key of keys) {
      const all = form.getAll(key);
      if (all.length > 1) ctx.addIssue({ code: "custom", path: [key], message: `${key} given ${all.length} times` });
      if (all[0] !== undefined) out[key] = all[0];
    }
    return out;
  });
}

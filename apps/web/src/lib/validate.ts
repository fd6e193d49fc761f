// Form validation with the same zod schemas the server applies: field → first message.
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

export type Validated<T> = { ok: true; data: T; errors: FieldErrors } | { ok: false; errors: FieldErrors };

export function validate<S extends z.ZodType>(schema: S, values: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

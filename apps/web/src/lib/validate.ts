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

/**
 * The schema decides; for a field left EMPTY, say what to do ("Choose the breed") instead of the
 * schema's message for a wrong value (which lists every breed code).
 */
export function whenEmpty<V extends object>(
  errors: FieldErrors,
  values: V,
  messages: Partial<Record<keyof V, string>>,
) {
  const out = { ...errors };
  for (const [field, message] of Object.entries(messages) as [string, string][]) {
    const v = (values as Record<string, unknown>)[field];
    if (out[field] && (v === null || v === undefined || v === "")) out[field] = message;
  }
  return out;
}

// The password policy, browser-safe so the SPA checks as the server does: 8–256 Unicode code
// points, counted as code points (no silent truncation of long passwords, no UTF-16 surprises).
import { z } from "zod";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** null when the password is acceptable, else the message to show. */
export function checkPasswordPolicy(password: string): string | null {
  const n = codePoints(password);
  if (n < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters`;
  if (n > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters`;
  return null;
}

/** A new password as forms and procedures validate it. */
export const newPasswordSchema = z.string().superRefine((value, ctx) => {
  const problem = checkPasswordPolicy(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

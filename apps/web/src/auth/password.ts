// The password policy as the server applies it (@reprotech/auth: 8–256 Unicode code points, no silent
// truncation), for instant feedback in forms. The server checks again; its message wins when they differ.
import { z } from "zod";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

const codePoints = (s: string) => [...s].length;

export const newPasswordSchema = z
  .string()
  .refine((s) => codePoints(s) >= PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .refine((s) => codePoints(s) <= PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`);

/** New password typed twice. */
export const newPasswordForm = z
  .object({ newPassword: newPasswordSchema, confirm: z.string() })
  .refine((v) => v.newPassword === v.confirm, { path: ["confirm"], message: "The two passwords do not match" });

export const changePasswordForm = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword: newPasswordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.newPassword === v.confirm, { path: ["confirm"], message: "The two passwords do not match" })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one",
  });

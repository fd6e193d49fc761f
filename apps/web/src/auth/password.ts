// Password forms. The policy is the server's own (@reprotech/core/password-policy), for instant
// feedback; the server checks again.
import { newPasswordSchema, PASSWORD_MAX, PASSWORD_MIN } from "@reprotech/core/password-policy";
import { z } from "zod";

export { newPasswordSchema, PASSWORD_MAX, PASSWORD_MIN };

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

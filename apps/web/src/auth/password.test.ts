import { describe, expect, it } from "vitest";
import { validate } from "../lib/validate";
import { changePasswordForm, newPasswordForm } from "./password";

describe("password forms", () => {
  it("counts code points like the server", () => {
    expect(validate(newPasswordForm, { newPassword: "😀😀😀😀😀😀😀", confirm: "😀😀😀😀😀😀😀" }).ok).toBe(false);
    expect(validate(newPasswordForm, { newPassword: "😀😀😀😀😀😀😀😀", confirm: "😀😀😀😀😀😀😀😀" }).ok).toBe(true);
    expect(validate(newPasswordForm, { newPassword: "x".repeat(257), confirm: "x".repeat(257) }).errors).toEqual({
      newPassword: "Password must be at most 256 characters",
    });
  });

  it("wants the confirmation to match and the new password to differ", () => {
    expect(validate(newPasswordForm, { newPassword: "long enough", confirm: "long enougH" }).errors).toEqual({
      confirm: "The two passwords do not match",
    });
    expect(
      validate(changePasswordForm, {
        currentPassword: "long enough",
        newPassword: "long enough",
        confirm: "long enough",
      }).errors,
    ).toEqual({ newPassword: "Choose a password different from the current one" });
  });
});

import { describe, expect, it } from "vitest";
import { AppError } from "@reprotech/core";
import {
  checkPasswordPolicy,
  DUMMY_HASH,
  HASH_OPTIONS,
  hashPassword,
  PASSWORD_MAX,
  PASSWORD_MIN,
  verifyPassword,
} from "../src";

describe("password policy", () => {
  it("accepts 8 to 256 code points and names the limit otherwise", () => {
    expect(PASSWORD_MIN).toBe(8);
    expect(PASSWORD_MAX).toBe(256);
    expect(checkPasswordPolicy("1234567")).toBe("Password must be at least 8 characters");
    expect(checkPasswordPolicy("12345678")).toBeNull();
    expect(checkPasswordPolicy("x".repeat(256))).toBeNull();
    expect(checkPasswordPolicy("x".repeat(257))).toBe("Password must be at most 256 characters");
  });

  it("counts Unicode code points, not UTF-16 units", () => {
    // 4 emoji are 8 UTF-16 units but 4 characters.
    expect(checkPasswordPolicy("😀😀😀😀")).toMatch(/at least 8/);
    expect(checkPasswordPolicy("😀".repeat(256))).toBeNull();
    expect(checkPasswordPolicy("😀".repeat(257))).toMatch(/at most 256/);
  });
});

describe("hashing", () => {
  it("hashes with Argon2id at m=19456 KiB, t=2, p=1, salted", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, "correct horse battery")).toBe(true);
    expect(await verifyPassword(a, "correct horse batterY")).toBe(false);
  });

  it("refuses passwords outside the policy instead of truncating them", async () => {
    await expect(hashPassword("short")).rejects.toThrow(AppError);
    await expect(hashPassword("short")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Password must be at least 8 characters",
    });
    await expect(hashPassword("x".repeat(257))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const h = await hashPassword("x".repeat(256));
    expect(await verifyPassword(h, "x".repeat(256))).toBe(true);
    expect(await verifyPassword(h, "x".repeat(255))).toBe(false);
    expect(await verifyPassword(h, "x".repeat(257))).toBe(false);
  });

  it("treats composed and decomposed accents as the same password", async () => {
    const h = await hashPassword("caf\u00e9-latte!");
    expect(await verifyPassword(h, "cafe\u0301-latte!")).toBe(true);
  });

  it("answers false, not an error, for a malformed hash", async () => {
    expect(await verifyPassword("not a hash", "whatever123")).toBe(false);
  });

  it("keeps the dummy hash on the same parameters as real hashes (so unknown e-mails cost the same)", () => {
    expect(DUMMY_HASH).toMatch(
      new RegExp(
        `^\\$argon2id\\$v=19\\$m=${HASH_OPTIONS.memoryCost},t=${HASH_OPTIONS.timeCost},p=${HASH_OPTIONS.parallelism}\\$`,
      ),
    );
  });
});

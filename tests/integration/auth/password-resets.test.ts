// Password resets (one-time, one hour) and password changes: both end every session, both audited.
import {
  changePassword,
  consumePasswordReset,
  createPasswordReset,
  parseToken,
  signIn,
  validateSessionToken,
  type Principal,
} from "@reprotech/auth";
import { withSystem, withTenant } from "@reprotech/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, createAuthWorld, later, PASSWORD, rowText, type AuthWorld } from "./world";

let w: AuthWorld;
beforeAll(async () => {
  w = await createAuthWorld();
});
afterAll(async () => w?.close());

const NEW = "a brand new passphrase";
const INVALID = "This reset link is invalid or has expired";

const reset = (userId: string, adminId: string, now?: Date) =>
  withSystem(w.db, (tx) => createPasswordReset(tx, userId, adminId, now));
const signInAs = (email: string, password: string) =>
  signIn(w.deps, { email, password, ip: w.ip(), userAgent: "vitest" });

async function signedIn(email: string, password = PASSWORD): Promise<{ token: string; principal: Principal }> {
  const r = await signInAs(email, password);
  if (!r.ok) throw new Error(`sign-in failed: ${r.reason}`);
  return r;
}

describe("password resets", () => {
  it("set a new password once, end all the user's sessions, and are stored hashed", async () => {
    const admin = await w.user("admin");
    const user = await w.user("technician");
    const sessions = [await signedIn(user.email), await signedIn(user.email)];
    const now = new Date();
    const { token, expiresAt } = await reset(user.id, admin.id, now);
    expect(expiresAt).toEqual(later(now, 3_600_000));
    const { id, secret } = parseToken(token)!;
    expect(await rowText(w.owner, "password_resets", id)).not.toContain(secret);

    expect(await consumePasswordReset(w.deps, token, NEW)).toEqual({ userId: user.id });
    for (const s of sessions) expect(await validateSessionToken(w.deps, s.token)).toBeNull();
    expect(await signInAs(user.email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    expect((await signInAs(user.email, NEW)).ok).toBe(true);
    // One time only.
    await expect(consumePasswordReset(w.deps, token, "yet another passphrase")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: INVALID,
    });
    expect((await signInAs(user.email, NEW)).ok).toBe(true);
    expect((await auditRows(w.owner, "auth.passwordReset", user.id)).map((r) => r.result)).toEqual(["ok", "denied"]);
  });

  it("can be issued from a customer admin's tenant transaction, for that customer's users only", async () => {
    const farm = await w.customer();
    const manager = await w.user("customer_admin", { customerId: farm });
    const farmer = await w.user("customer_user", { customerId: farm });
    const stranger = await w.user("customer_user", { customerId: await w.customer() });
    const scope = { customerIds: [farm], userId: manager.id };
    const { token } = await withTenant(w.db, scope, (tx) => createPasswordReset(tx, farmer.id, manager.id));
    await expect(
      withTenant(w.db, scope, (tx) => createPasswordReset(tx, stranger.id, manager.id)),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await consumePasswordReset(w.deps, token, NEW)).toEqual({ userId: farmer.id });
  });

  it("expire after an hour", async () => {
    const admin = await w.user("admin");
    const user = await w.user("technician");
    const now = new Date();
    const { token } = await reset(user.id, admin.id, now);
    await expect(consumePasswordReset(w.deps, token, NEW, later(now, 3_600_000))).rejects.toMatchObject({
      message: INVALID,
    });
    expect((await signInAs(user.email, PASSWORD)).ok).toBe(true);
  });

  it("refuse forged and superseded links with the same message", async () => {
    const admin = await w.user("admin");
    const user = await w.user("technician");
    const first = await reset(user.id, admin.id);
    const second = await reset(user.id, admin.id);
    const forged = `${parseToken(second.token)!.id}.${parseToken(first.token)!.secret}`;
    for (const bad of [forged, "nonsense", first.token])
      await expect(consumePasswordReset(w.deps, bad, NEW)).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: INVALID,
      });
    expect(await consumePasswordReset(w.deps, second.token, NEW)).toEqual({ userId: user.id });
  });

  it("check the new password's policy before using up the link", async () => {
    const admin = await w.user("admin");
    const user = await w.user("technician");
    const { token } = await reset(user.id, admin.id);
    await expect(consumePasswordReset(w.deps, token, "short")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Password must be at least 8 characters",
    });
    expect(await consumePasswordReset(w.deps, token, NEW)).toEqual({ userId: user.id });
  });

  it("do not work for a disabled user", async () => {
    const admin = await w.user("admin");
    const user = await w.user("technician", { status: "disabled" });
    const { token } = await reset(user.id, admin.id);
    await expect(consumePasswordReset(w.deps, token, NEW)).rejects.toMatchObject({ message: INVALID });
  });

  it("run concurrently, succeed once", async () => {
    const admin = await w.user("admin");
    const user = await w.user("technician");
    const { token } = await reset(user.id, admin.id);
    const results = await Promise.allSettled([1, 2, 3].map((i) => consumePasswordReset(w.deps, token, `${NEW} ${i}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("changing one's password", () => {
  it("needs the current password, then ends ALL the user's sessions; audited", async () => {
    const user = await w.user("veterinarian");
    const a = await signedIn(user.email);
    const b = await signedIn(user.email);
    await expect(changePassword(w.deps, a.principal, "not my password", NEW)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Current password is incorrect",
    });
    expect(await validateSessionToken(w.deps, a.token)).not.toBeNull();
    await expect(changePassword(w.deps, a.principal, PASSWORD, "short")).rejects.toMatchObject({ code: "BAD_REQUEST" });

    await changePassword(w.deps, a.principal, PASSWORD, NEW);
    expect(await validateSessionToken(w.deps, a.token)).toBeNull();
    expect(await validateSessionToken(w.deps, b.token)).toBeNull();
    expect((await signInAs(user.email, PASSWORD)).ok).toBe(false);
    expect((await signInAs(user.email, NEW)).ok).toBe(true);
    expect((await auditRows(w.owner, "auth.passwordChange", user.id)).map((r) => [r.result, r.detail])).toEqual([
      ["denied", "bad current password"],
      ["ok", null],
    ]);
  });

  it("is not for API tokens, and wrong guesses count against the sign-in limit", async () => {
    const user = await w.user("admin");
    const s = await signedIn(user.email);
    await expect(changePassword(w.deps, { ...s.principal, kind: "apiToken" }, PASSWORD, NEW)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    for (let i = 0; i < 10; i++)
      await expect(changePassword(w.deps, s.principal, `guess ${i}`, NEW)).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    await expect(changePassword(w.deps, s.principal, PASSWORD, NEW)).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
  });
});

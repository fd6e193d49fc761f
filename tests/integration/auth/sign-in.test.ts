// Sign-in: generic refusals, throttling per account and per IP, timing, audit.
import { signIn, validateSessionToken, type SignInResult } from "@reprotech/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, createAuthWorld, PASSWORD, type AuthWorld } from "./world";

let w: AuthWorld;
beforeAll(async () => {
  w = await createAuthWorld();
});
afterAll(async () => w?.close());

const attempt = (email: string, password: string, ip = w.ip(), world = w) =>
  signIn(world.deps, { email, password, ip, userAgent: "vitest/ua" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sign-in", () => {
  it("succeeds with the right password, whatever the e-mail's case and spaces; audited with ip and user agent", async () => {
    const farm = await w.customer();
    const user = await w.user("customer_admin", { customerId: farm });
    const result = await signIn(w.deps, {
      email: `  ${user.email.toUpperCase()} `,
      password: PASSWORD,
      ip: "198.51.100.7",
      userAgent: "vitest/ua",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.principal).toMatchObject({
      kind: "session",
      userId: user.id,
      role: "customer_admin",
      customerId: farm,
    });
    expect(result.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await validateSessionToken(w.deps, result.token)).toMatchObject({
      userId: user.id,
      sessionId: result.principal.sessionId,
    });
    expect(await auditRows(w.owner, "auth.signIn", user.id)).toEqual([
      { result: "ok", detail: null, ip: "198.51.100.7", user_agent: "vitest/ua", user_id: user.id },
    ]);
  });

  it("creates a new session, with a new id, at every sign-in", async () => {
    const user = await w.user("admin");
    const results = [] as SignInResult[];
    for (let i = 0; i < 3; i++) results.push(await attempt(user.email, PASSWORD));
    const ids = results.map((r) => (r.ok ? r.principal.sessionId : null));
    expect(new Set(ids).size).toBe(3);
    expect(ids).not.toContain(null);
    const { rows } = await w.owner.query(`SELECT id FROM sessions WHERE user_id = $1`, [user.id]);
    expect(rows).toHaveLength(3);
  });

  it("gives one generic answer for a wrong password, an unknown e-mail, a disabled user and a suspended customer; the audit log says which", async () => {
    const suspended = await w.customer("suspended");
    const farmer = await w.user("customer_user", { customerId: suspended });
    const disabled = await w.user("technician", { status: "disabled" });
    const noPassword = await w.user("admin", { password: null });
    const user = await w.user("admin");
    const unknown = `nobody.${Date.now()}@auth.test`;
    expect(await attempt(user.email, "wrong password")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(unknown, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(disabled.email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(farmer.email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(noPassword.email, "")).toEqual({ ok: false, reason: "invalid" });
    expect((await auditRows(w.owner, "auth.signIn", user.id)).map((r) => [r.result, r.detail])).toEqual([
      ["denied", "bad credentials"],
    ]);
    expect((await auditRows(w.owner, "auth.signIn", disabled.id)).map((r) => [r.result, r.detail])).toEqual([
      ["denied", "disabled user"],
    ]);
    expect((await auditRows(w.owner, "auth.signIn", farmer.id)).map((r) => [r.result, r.detail])).toEqual([
      ["denied", "suspended customer"],
    ]);
    expect((await auditRows(w.owner, "auth.signIn", noPassword.id)).map((r) => [r.result, r.detail])).toEqual([
      ["denied", "bad credentials"],
    ]);
    const { rows } = await w.owner.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.signIn' AND detail = 'unknown email' AND user_id IS NULL`,
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it("refuses the 11th attempt within the window as locked, even with the right password", async () => {
    const user = await w.user("admin");
    for (let i = 1; i <= 10; i++)
      expect(await attempt(user.email, `wrong ${i}`), `attempt ${i}`).toEqual({ ok: false, reason: "invalid" });
    const locked = await attempt(user.email, PASSWORD);
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    if (!locked.ok) {
      expect(locked.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    }
    const audit = (await auditRows(w.owner, "auth.signIn", user.id)).map((r) => r.detail);
    expect(audit).toEqual([...Array(10).fill("bad credentials"), "locked"]);
    // No session was created.
    expect((await w.owner.query(`SELECT 1 FROM sessions WHERE user_id = $1`, [user.id])).rows).toHaveLength(0);
  });

  it("locks unknown e-mails the same way (the throttle does not reveal which accounts exist)", async () => {
    const email = `ghost.${Date.now()}@auth.test`;
    for (let i = 1; i <= 10; i++) expect(await attempt(email, "guess")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(email, "guess")).toMatchObject({ ok: false, reason: "locked" });
  });

  it("lets parallel guesses through no further than the limit", async () => {
    const user = await w.user("admin");
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => attempt(user.email, `parallel ${i}`)));
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(10);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(15);
  });

  it("a success resets the account's failure count", async () => {
    const user = await w.user("admin");
    for (let i = 0; i < 9; i++) await attempt(user.email, "wrong");
    expect((await attempt(user.email, PASSWORD)).ok).toBe(true);
    for (let i = 0; i < 10; i++) expect(await attempt(user.email, "wrong")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(user.email, PASSWORD)).toMatchObject({ reason: "locked" });
  });

  it("signs in again once the window has passed", async () => {
    const short = await createAuthWorld({ maxFailures: 3, windowSeconds: 2 });
    try {
      const user = await short.user("admin");
      for (let i = 0; i < 3; i++)
        expect(await attempt(user.email, "wrong", short.ip(), short)).toEqual({ ok: false, reason: "invalid" });
      expect(await attempt(user.email, PASSWORD, short.ip(), short)).toMatchObject({ ok: false, reason: "locked" });
      await sleep(2_100);
      expect((await attempt(user.email, PASSWORD, short.ip(), short)).ok).toBe(true);
    } finally {
      await short.close();
    }
  });

  it("throttles failures per client IP across accounts; other addresses are unaffected", async () => {
    const small = await createAuthWorld({ ipMaxFailures: 5 });
    try {
      const ip = small.ip();
      for (let i = 0; i < 5; i++)
        expect(await attempt(`spray${i}.${Date.now()}@auth.test`, "Winter2026!", ip, small)).toEqual({
          ok: false,
          reason: "invalid",
        });
      const user = await small.user("admin");
      expect(await attempt(user.email, PASSWORD, ip, small)).toMatchObject({ ok: false, reason: "locked" });
      expect((await attempt(user.email, PASSWORD, small.ip(), small)).ok).toBe(true);
      // Successes do not count against an address (many colleagues behind one office NAT).
      const office = small.ip();
      for (let i = 0; i < 8; i++) expect((await attempt(user.email, PASSWORD, office, small)).ok).toBe(true);
    } finally {
      await small.close();
    }
  });

  it("takes as long for an unknown e-mail as for a wrong password (a real Argon2 verify either way)", async () => {
    const user = await w.user("admin");
    const time = async (email: string) => {
      const t = performance.now();
      await attempt(email, "not the password");
      return performance.now() - t;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    await time(user.email); // warm up
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time(user.email));
      unknown.push(await time(`unknown.${i}.${Date.now()}@auth.test`));
    }
    const [a, b] = [median(wrong), median(unknown)];
    expect(a).toBeGreaterThan(10);
    expect(b).toBeGreaterThan(10);
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(3);
  });
});

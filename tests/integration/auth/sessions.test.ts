// Sessions against real PostgreSQL (app role, row-level security) and Redis.
import { createHash } from "node:crypto";
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  listUserSessions,
  parseToken,
  signOut,
  validateSessionToken,
} from "@reprotech/auth";
import { permissionsOf } from "@reprotech/core";
import { withSystem, withTenant } from "@reprotech/db";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { auditRows, createAuthWorld, later, minutes, rowText, type AuthWorld } from "./world";

let w: AuthWorld;
beforeAll(async () => {
  w = await createAuthWorld();
});
afterAll(async () => w?.close());

const start = (userId: string, now = new Date()) =>
  withSystem(w.db, (tx) => createSession(tx, userId, { ip: "192.0.2.1", userAgent: "vitest" }, w.deps.sessions, now));

const sessionRow = async (id: string) =>
  (
    await w.owner.query<{ last_verified_at: Date; expires_at: Date }>(
      `SELECT last_verified_at, expires_at FROM sessions WHERE id = $1`,
      [id],
    )
  ).rows[0];

describe("sessions", () => {
  it("validate to the user's principal; the row keeps only SHA-256 of the secret", async () => {
    const farm = await w.customer();
    const user = await w.user("customer_admin", { customerId: farm });
    const now = new Date();
    const s = await start(user.id, now);
    const { id, secret } = parseToken(s.token)!;
    expect(id).toBe(s.sessionId);
    expect(s.expiresAt).toEqual(later(now, 12 * 3_600_000));

    const text = await rowText(w.owner, "sessions", id);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(s.token);
    const { rows } = await w.owner.query<{ secret_hash: Buffer }>(`SELECT secret_hash FROM sessions WHERE id = $1`, [
      id,
    ]);
    expect(rows[0]!.secret_hash.equals(createHash("sha256").update(secret).digest())).toBe(true);

    const p = await validateSessionToken(w.deps, s.token, now);
    expect(p).toEqual({
      kind: "session",
      userId: user.id,
      role: "customer_admin",
      email: user.email,
      displayName: expect.any(String),
      customerId: farm,
      assignedCustomerIds: [],
      permissions: permissionsOf("customer_admin"),
      sessionId: id,
    });
  });

  it("refuse a wrong secret for a known id, on a cache hit as on a miss, and garbage", async () => {
    const user = await w.user("admin");
    const s = await start(user.id);
    expect(await validateSessionToken(w.deps, s.token)).not.toBeNull(); // now cached
    const other = await start(user.id);
    const forged = `${s.sessionId}.${parseToken(other.token)!.secret}`;
    expect(await validateSessionToken(w.deps, forged)).toBeNull();
    expect(await validateSessionToken(w.withColdCache(), forged)).toBeNull();
    for (const bad of ["", "x", `${s.sessionId}.`, `${s.token}x`, s.token.toUpperCase()])
      expect(await validateSessionToken(w.deps, bad)).toBeNull();
    // The forgeries did not end the real session.
    expect(await validateSessionToken(w.deps, s.token)).not.toBeNull();
  });

  it("keep no secret in the cache entry", async () => {
    const user = await w.user("admin");
    const s = await start(user.id);
    await validateSessionToken(w.deps, s.token);
    const { Redis } = await import("ioredis");
    const redis = new Redis(inject("redisUrl"));
    try {
      const found = await redis.keys(`*g:auth:session:${s.sessionId}`);
      expect(found).toHaveLength(1);
      const raw = (await redis.get(found[0]!))!;
      expect(raw).not.toContain(parseToken(s.token)!.secret);
      expect(await redis.ttl(found[0]!)).toBeLessThanOrEqual(30);
    } finally {
      redis.disconnect();
    }
  });

  it("end after the idle timeout (and the expired row is deleted)", async () => {
    const user = await w.user("admin");
    const t0 = new Date();
    const s = await start(user.id, t0);
    const idle = w.deps.sessions.idleTimeoutMs;
    expect(idle).toBe(minutes(30));
    // Used just before the idle limit: still valid, and the activity slides the idle window.
    const t1 = later(t0, idle - 1_000);
    expect(await validateSessionToken(w.deps, s.token, t1)).not.toBeNull();
    expect((await sessionRow(s.sessionId))!.last_verified_at).toEqual(t1);
    const t2 = later(t1, idle - 1_000);
    expect(await validateSessionToken(w.deps, s.token, t2)).not.toBeNull();
    // Then idle for longer than the limit.
    expect(await validateSessionToken(w.deps, s.token, later(t2, idle + 1_000))).toBeNull();
    expect(await sessionRow(s.sessionId)).toBeUndefined();
    expect(await validateSessionToken(w.deps, s.token, t2)).toBeNull();
  });

  it("end at the absolute timeout however active", async () => {
    const user = await w.user("admin");
    const t0 = new Date();
    const s = await start(user.id, t0);
    let t = t0;
    while (t.getTime() + minutes(20) < s.expiresAt.getTime()) {
      t = later(t, minutes(20));
      expect(await validateSessionToken(w.deps, s.token, t), t.toISOString()).not.toBeNull();
    }
    expect(await validateSessionToken(w.deps, s.token, s.expiresAt)).toBeNull();
    expect(await sessionRow(s.sessionId)).toBeUndefined();
  });

  it("write lastVerifiedAt at most once per refresh interval", async () => {
    const user = await w.user("admin");
    const t0 = new Date();
    const s = await start(user.id, t0);
    for (const dt of [1_000, 10_000, 59_000])
      expect(await validateSessionToken(w.deps, s.token, later(t0, dt))).not.toBeNull();
    expect((await sessionRow(s.sessionId))!.last_verified_at).toEqual(t0);
    expect(await validateSessionToken(w.deps, s.token, later(t0, 61_000))).not.toBeNull();
    expect((await sessionRow(s.sessionId))!.last_verified_at).toEqual(later(t0, 61_000));
  });

  it("serve from PostgreSQL when the cache is empty (Redis is only a cache)", async () => {
    const vet = await w.user("veterinarian", { assigned: [await w.customer(), await w.customer()] });
    const s = await start(vet.id);
    const p = await validateSessionToken(w.withColdCache(), s.token);
    expect(p?.userId).toBe(vet.id);
    expect(p?.assignedCustomerIds).toHaveLength(2);
  });

  it("refuse a disabled user and a suspended customer's user, but not a vet assigned to that customer", async () => {
    const farm = await w.customer();
    const farmer = await w.user("customer_user", { customerId: farm });
    const vet = await w.user("veterinarian", { assigned: [farm] });
    const staff = await w.user("technician", { assigned: [farm] });
    const sFarmer = await start(farmer.id);
    const sVet = await start(vet.id);
    const sStaff = await start(staff.id);
    await w.owner.query(`UPDATE customers SET status = 'suspended' WHERE id = $1`, [farm]);
    await w.owner.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [staff.id]);
    const cold = w.withColdCache();
    expect(await validateSessionToken(cold, sFarmer.token)).toBeNull();
    expect(await validateSessionToken(cold, sStaff.token)).toBeNull();
    expect(await validateSessionToken(cold, sVet.token)).not.toBeNull();
  });

  it("invalidateUserSessions ends every session of the user at once, cached ones included", async () => {
    const user = await w.user("admin");
    const bystander = await w.user("admin");
    const sessions = await Promise.all([start(user.id), start(user.id), start(user.id)]);
    const theirs = await start(bystander.id);
    for (const s of [...sessions, theirs]) expect(await validateSessionToken(w.deps, s.token)).not.toBeNull();
    expect(await invalidateUserSessions(w.deps, user.id)).toBe(3);
    for (const s of sessions) expect(await validateSessionToken(w.deps, s.token)).toBeNull();
    expect(await validateSessionToken(w.deps, theirs.token)).not.toBeNull();
    expect(await invalidateUserSessions(w.deps, user.id)).toBe(0);
  });

  it("invalidateUserSessions inside a caller's transaction commits with it (disable a user)", async () => {
    const user = await w.user("admin");
    const s = await start(user.id);
    expect(await validateSessionToken(w.deps, s.token)).not.toBeNull();
    // Rolled back: the session lives on.
    await expect(
      withSystem(w.db, async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { status: "disabled" } });
        await invalidateUserSessions(w.deps, user.id, tx);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await validateSessionToken(w.deps, s.token)).not.toBeNull();
    // Committed: gone, cached entry included.
    const ended = await withSystem(w.db, async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { status: "disabled" } });
      return invalidateUserSessions(w.deps, user.id, tx);
    });
    expect(ended).toBe(1);
    expect(await validateSessionToken(w.deps, s.token)).toBeNull();
  });

  it("invalidateUserSessions inside a narrower tenant transaction still ends them (row-level security hides them there)", async () => {
    const farm = await w.customer();
    const manager = await w.user("customer_admin", { customerId: farm });
    const farmer = await w.user("customer_user", { customerId: farm });
    const s = await start(farmer.id);
    const ended = await withTenant(w.db, { customerIds: [farm], userId: manager.id }, async (tx) => {
      await tx.user.update({ where: { id: farmer.id }, data: { status: "disabled" } });
      const n = await invalidateUserSessions(w.deps, farmer.id, tx);
      // The caller's scope is back as it was.
      const [row] = await tx.$queryRaw<{ scope: string }[]>`SELECT current_setting('app.customer_ids', true) AS scope`;
      expect(row!.scope).toBe(farm);
      expect(await tx.customer.count()).toBe(1);
      return n;
    });
    expect(ended).toBe(1);
    expect((await w.owner.query(`SELECT 1 FROM sessions WHERE user_id = $1`, [farmer.id])).rows).toHaveLength(0);
    expect(await validateSessionToken(w.deps, s.token)).toBeNull();
  });

  it("invalidateUserSessions refuses a user outside the caller's scope", async () => {
    const farm = await w.customer();
    const manager = await w.user("customer_admin", { customerId: farm });
    const stranger = await w.user("customer_user", { customerId: await w.customer() });
    const s = await start(stranger.id);
    await expect(
      withTenant(w.db, { customerIds: [farm], userId: manager.id }, (tx) =>
        invalidateUserSessions(w.deps, stranger.id, tx),
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await validateSessionToken(w.deps, s.token)).not.toBeNull();
  });

  it("a validation racing with an uncommitted invalidation waits for it and never caches the dead session", async () => {
    const user = await w.user("admin");
    const s = await start(user.id);
    let validation: Promise<unknown> | undefined;
    await withSystem(w.db, async (tx) => {
      await invalidateUserSessions(w.deps, user.id, tx);
      validation = validateSessionToken(w.withColdCache(), s.token).then((p) => p);
      validation = Promise.all([validation, validateSessionToken(w.deps, s.token)]);
      await new Promise((r) => setTimeout(r, 200));
    });
    expect(await validation).toEqual([null, null]);
    expect(await validateSessionToken(w.deps, s.token)).toBeNull();
  });

  it("sign-out ends one session, audited; the user's other sessions live on", async () => {
    const user = await w.user("admin");
    const a = await start(user.id);
    const b = await start(user.id);
    expect(await validateSessionToken(w.deps, a.token)).not.toBeNull();
    await signOut(w.deps, a.sessionId);
    expect(await validateSessionToken(w.deps, a.token)).toBeNull();
    expect(await validateSessionToken(w.deps, b.token)).not.toBeNull();
    expect(await auditRows(w.owner, "auth.signOut", user.id)).toEqual([expect.objectContaining({ result: "ok" })]);
    await invalidateSession(w.deps, b.sessionId);
    expect(await validateSessionToken(w.deps, b.token)).toBeNull();
  });

  it("lists a user's own sessions under the user's own scope (row-level security)", async () => {
    const farm = await w.customer();
    const user = await w.user("customer_user", { customerId: farm });
    const other = await w.user("customer_user", { customerId: farm });
    const mine = [await start(user.id), await start(user.id)];
    await start(other.id);
    const listed = await withTenant(w.db, { customerIds: [farm], userId: user.id }, (tx) =>
      listUserSessions(tx, user.id),
    );
    expect(listed.map((s) => s.id).sort()).toEqual(mine.map((s) => s.sessionId).sort());
    expect(listed[0]).toEqual({
      id: expect.any(String),
      createdAt: expect.any(Date),
      lastVerifiedAt: expect.any(Date),
      expiresAt: expect.any(Date),
      ip: "192.0.2.1",
      userAgent: "vitest",
    });
    expect(Object.keys(listed[0]!)).not.toContain("secretHash");
    // Another user of the same farm cannot list them.
    expect(
      await withTenant(w.db, { customerIds: [farm], userId: other.id }, (tx) => listUserSessions(tx, user.id)),
    ).toEqual([]);
  });
});

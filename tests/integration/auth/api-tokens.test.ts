// API tokens: shown once, stored hashed, scoped to one customer and to their creator's current
// permissions; expiry, revocation, lastUsedAt.
import { AppError } from "@reprotech/core";
import { createApiToken, parseToken, revokeApiToken, validateApiToken } from "@reprotech/auth";
import { withSystem, withTenant } from "@reprotech/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthWorld, later, rowText, type AuthWorld } from "./world";

let w: AuthWorld;
beforeAll(async () => {
  w = await createAuthWorld();
});
afterAll(async () => w?.close());

const inAYear = () => later(new Date(), 365 * 24 * 3_600_000);

async function farmWithAdmin() {
  const farm = await w.customer();
  const admin = await w.user("customer_admin", { customerId: farm });
  return { farm, admin };
}

/** As the api layer does it: inside the creator's tenant transaction (row-level security applies). */
const create = (
  farm: string,
  creatorId: string,
  permissions: Parameters<typeof createApiToken>[1]["permissions"],
  expiresAt = inAYear(),
) =>
  withTenant(w.db, { customerIds: [farm], userId: creatorId }, (tx) =>
    createApiToken(tx, { customerId: farm, createdById: creatorId, name: "herd sync", permissions, expiresAt }),
  );

const lastUsed = async (id: string) =>
  (await w.owner.query<{ last_used_at: Date | null }>(`SELECT last_used_at FROM api_tokens WHERE id = $1`, [id]))
    .rows[0]!.last_used_at;

describe("API tokens", () => {
  it("are shown once and stored hashed; they validate to a principal scoped to their customer", async () => {
    const { farm, admin } = await farmWithAdmin();
    const { token, id } = await create(farm, admin.id, ["animals.read", "animals.write"]);
    const { secret } = parseToken(token)!;
    const text = await rowText(w.owner, "api_tokens", id);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    const p = await validateApiToken(w.deps, token);
    expect(p).toEqual({
      kind: "apiToken",
      userId: admin.id,
      role: "customer_admin",
      email: admin.email,
      displayName: expect.any(String),
      customerId: farm,
      assignedCustomerIds: [],
      permissions: ["animals.read", "animals.write"],
      apiTokenId: id,
      tokenCustomerId: farm,
    });
  });

  it("refuse a wrong secret, a malformed token and an unknown id", async () => {
    const { farm, admin } = await farmWithAdmin();
    const { token, id } = await create(farm, admin.id, ["animals.read"]);
    const other = await create(farm, admin.id, ["animals.read"]);
    expect(await validateApiToken(w.deps, `${id}.${parseToken(other.token)!.secret}`)).toBeNull();
    expect(
      await validateApiToken(w.deps, `${parseToken(other.token)!.id.replace(/^./, "a")}.${parseToken(token)!.secret}`),
    ).toBeNull();
    expect(await validateApiToken(w.deps, "garbage")).toBeNull();
    expect(await validateApiToken(w.deps, token)).not.toBeNull();
  });

  it("cannot carry permissions their creator lacks, nor reach another customer", async () => {
    const { farm } = await farmWithAdmin();
    const farmer = await w.user("customer_user", { customerId: farm });
    await expect(create(farm, farmer.id, ["animals.read", "users.manage"])).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const elsewhere = await w.customer();
    const vet = await w.user("veterinarian", { assigned: [farm] });
    await expect(
      withSystem(w.db, (tx) =>
        createApiToken(tx, {
          customerId: elsewhere,
          createdById: vet.id,
          name: "x",
          permissions: ["animals.read"],
          expiresAt: inAYear(),
        }),
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(create(farm, farmer.id, [])).rejects.toBeInstanceOf(AppError);
    await expect(create(farm, farmer.id, ["animals.read"], new Date(Date.now() - 1000))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("carry the intersection of their permissions with what the creator holds today", async () => {
    const { farm, admin } = await farmWithAdmin();
    const { token } = await create(farm, admin.id, ["animals.read", "audit.read", "users.manage"]);
    expect([...(await validateApiToken(w.deps, token))!.permissions].sort()).toEqual([
      "animals.read",
      "audit.read",
      "users.manage",
    ]);
    await w.owner.query(`UPDATE users SET role = 'customer_user' WHERE id = $1`, [admin.id]);
    expect((await validateApiToken(w.deps, token))!.permissions).toEqual(["animals.read"]);
  });

  it("stop working when they expire, when revoked, when the creator is disabled or loses the customer", async () => {
    const { farm, admin } = await farmWithAdmin();
    const expiresAt = later(new Date(), 3_600_000);
    const expiring = await create(farm, admin.id, ["animals.read"], expiresAt);
    expect(await validateApiToken(w.deps, expiring.token, later(expiresAt, -1))).not.toBeNull();
    expect(await validateApiToken(w.deps, expiring.token, expiresAt)).toBeNull();

    const revoked = await create(farm, admin.id, ["animals.read"]);
    expect(
      await withTenant(w.db, { customerIds: [farm], userId: admin.id }, (tx) => revokeApiToken(tx, revoked.id)),
    ).toBe(true);
    expect(await validateApiToken(w.deps, revoked.token)).toBeNull();
    expect(
      await withTenant(w.db, { customerIds: [farm], userId: admin.id }, (tx) => revokeApiToken(tx, revoked.id)),
    ).toBe(false);
    // Another customer's scope cannot see (let alone revoke) it.
    const kept = await create(farm, admin.id, ["animals.read"]);
    expect(
      await withTenant(w.db, { customerIds: [await w.customer()], userId: null }, (tx) => revokeApiToken(tx, kept.id)),
    ).toBe(false);
    expect(await validateApiToken(w.deps, kept.token)).not.toBeNull();

    await w.owner.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [admin.id]);
    expect(await validateApiToken(w.deps, kept.token)).toBeNull();

    const vet = await w.user("veterinarian", { assigned: [farm] });
    const vetToken = await create(farm, vet.id, ["animals.read"]);
    expect(await validateApiToken(w.deps, vetToken.token)).not.toBeNull();
    await w.owner.query(`DELETE FROM customer_assignments WHERE user_id = $1`, [vet.id]);
    expect(await validateApiToken(w.deps, vetToken.token)).toBeNull();
  });

  it("stop working while their customer is suspended", async () => {
    const { farm, admin } = await farmWithAdmin();
    const { token } = await create(farm, admin.id, ["animals.read"]);
    await w.owner.query(`UPDATE customers SET status = 'suspended' WHERE id = $1`, [farm]);
    expect(await validateApiToken(w.deps, token)).toBeNull();
  });

  it("record lastUsedAt at most once a minute", async () => {
    const { farm, admin } = await farmWithAdmin();
    const { token, id } = await create(farm, admin.id, ["animals.read"]);
    expect(await lastUsed(id)).toBeNull();
    const t0 = new Date();
    await validateApiToken(w.deps, token, t0);
    expect(await lastUsed(id)).toEqual(t0);
    await validateApiToken(w.deps, token, later(t0, 30_000));
    expect(await lastUsed(id)).toEqual(t0);
    await validateApiToken(w.deps, token, later(t0, 61_000));
    expect(await lastUsed(id)).toEqual(later(t0, 61_000));
  });
});

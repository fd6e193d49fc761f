// Administration rules: who may create whom, the last super admin, and changes that end sessions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => world?.close());

const sessionsOf = async (userId: string) =>
  (await world.owner.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1`, [userId])).rows[0].n as number;

describe("user administration", () => {
  it("lets a customer admin create only customer roles, in their own farm", async () => {
    const { caller } = await callerFor(world, world.usersA.customer_admin.email);
    const created = await caller.users.create({
      email: `new.user.${Date.now()}@farm-a.test`,
      displayName: "New farm hand",
      role: "customer_user",
      customerId: world.customerA,
    });
    expect(created.user.customerId).toBe(world.customerA);
    expect(created.reset.resetPath).toMatch(/^\/reset-password#token=/);
    await expect(
      caller.users.create({ email: `vet.${Date.now()}@x.test`, displayName: "Vet", role: "veterinarian" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      caller.users.create({
        email: `b.${Date.now()}@x.test`,
        displayName: "B",
        role: "customer_user",
        customerId: world.customerB,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses duplicate e-mails whatever their case", async () => {
    const { caller } = await callerFor(world, world.usersA.admin.email);
    await expect(
      caller.users.create({
        email: world.usersA.customer_user.email.toUpperCase(),
        displayName: "Dup",
        role: "customer_user",
        customerId: world.customerA,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("lets only a super admin grant super admin, and never disables the last active one", async () => {
    const admin = await callerFor(world, world.usersA.admin.email);
    await expect(
      admin.caller.users.update({ userId: world.usersA.technician.id, role: "super_admin" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    // Leave exactly one active super admin, then try to disable them through another super admin's hands.
    const { rows: others } = await world.owner.query<{ id: string }>(
      `UPDATE users SET status = 'disabled' WHERE role = 'super_admin' AND status = 'active' AND id <> $1 RETURNING id`,
      [world.usersA.super_admin.id],
    );
    const promoted = await world.owner.query(`UPDATE users SET role = 'super_admin' WHERE id = $1 RETURNING id`, [
      world.usersB.admin.id,
    ]);
    expect(promoted.rowCount).toBe(1);
    const other = await callerFor(world, world.usersB.admin.email);
    await expect(
      other.caller.users.update({ userId: world.usersB.admin.id, status: "disabled" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await other.caller.users.update({ userId: world.usersA.super_admin.id, status: "disabled" });
    await expect(other.caller.users.update({ userId: world.usersB.admin.id, role: "admin" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/last active super admin/),
    });
    // Restore for the other tests.
    await world.owner.query(`UPDATE users SET status = 'active' WHERE id = $1`, [world.usersA.super_admin.id]);
    await world.owner.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [world.usersB.admin.id]);
    await world.owner.query(`UPDATE users SET status = 'active' WHERE id = ANY($1::uuid[])`, [others.map((r) => r.id)]);
  });

  it("ends a user's sessions when their role or assignments change or they are disabled", async () => {
    const admin = await callerFor(world, world.usersA.super_admin.email);
    const vet = world.usersA.veterinarian;
    await callerFor(world, vet.email);
    expect(await sessionsOf(vet.id)).toBeGreaterThan(0);
    await admin.caller.users.setAssignments({ userId: vet.id, customerIds: [world.customerA, world.customerB] });
    expect(await sessionsOf(vet.id)).toBe(0);

    await callerFor(world, vet.email);
    await admin.caller.users.update({ userId: vet.id, role: "technician" });
    expect(await sessionsOf(vet.id)).toBe(0);

    await callerFor(world, vet.email);
    await admin.caller.users.update({ userId: vet.id, status: "disabled" });
    expect(await sessionsOf(vet.id)).toBe(0);
    await expect(callerFor(world, vet.email)).rejects.toThrow(/sign-in .* failed: invalid/);
  });

  it("suspends a customer: its users' sessions end and they cannot sign in; its data stays", async () => {
    const admin = await callerFor(world, world.usersA.super_admin.email);
    const user = world.usersB.customer_user;
    await callerFor(world, user.email);
    await admin.caller.customers.setStatus({ customerId: world.customerB, status: "suspended" });
    expect(await sessionsOf(user.id)).toBe(0);
    await expect(callerFor(world, user.email)).rejects.toThrow(/failed: invalid/);
    expect((await admin.caller.customers.get({ customerId: world.customerB })).status).toBe("suspended");
    await admin.caller.customers.setStatus({ customerId: world.customerB, status: "active" });
    await expect(callerFor(world, user.email)).resolves.toBeDefined();
  });
});

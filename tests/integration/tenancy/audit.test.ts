// The audit log: written in the mutation's own transaction, denials recorded, partitions maintained.
import { maintainAuditPartitions } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => world?.close());

const rows = async (action: string, targetId: string) =>
  (
    await world.owner.query(
      `SELECT action, result, user_id, customer_id, before, after, ip, user_agent FROM audit_log WHERE action = $1 AND (target_id = $2 OR customer_id::text = $2) ORDER BY created_at`,
      [action, targetId],
    )
  ).rows;

describe("audit log", () => {
  it("records an update with who, what, before and after, in the same transaction", async () => {
    const admin = await callerFor(world, world.usersA.customer_admin.email);
    const target = world.usersA.customer_user.id;
    await admin.caller.users.update({ userId: target, displayName: "Renamed for the audit" });
    const [entry] = await rows("users.update", target);
    expect(entry).toMatchObject({
      result: "ok",
      user_id: world.usersA.customer_admin.id,
      customer_id: world.customerA,
      ip: "127.0.0.1",
      user_agent: "vitest",
      after: expect.objectContaining({ displayName: "Renamed for the audit" }),
    });
    expect(entry.before.displayName).not.toBe("Renamed for the audit");
  });

  it("writes nothing when the mutation fails (the record rolls back with it)", async () => {
    const admin = await callerFor(world, world.usersA.super_admin.email);
    const before = (
      await world.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'customers.create'`)
    ).rows[0].n;
    // The second create of the same name fails with CONFLICT after the first one succeeded.
    const name = `Audit farm ${Date.now()}`;
    await admin.caller.customers.create({ name });
    await expect(admin.caller.customers.create({ name })).rejects.toMatchObject({ code: "CONFLICT" });
    const after = (
      await world.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'customers.create'`)
    ).rows[0].n;
    expect(after - before).toBe(1);
  });

  it("records denied authorisations", async () => {
    const user = await callerFor(world, world.usersB.customer_user.email);
    await expect(user.caller.customers.create({ name: "Not allowed farm" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const { rows: denied } = await world.owner.query(
      `SELECT detail, customer_id FROM audit_log WHERE action = 'customers.create' AND result = 'denied' AND user_id = $1`,
      [world.usersB.customer_user.id],
    );
    // Filed under the user's own farm, so B's customer admin sees it in B's audit view.
    expect(denied).toEqual([{ detail: "missing permission customers.manage", customer_id: world.customerB }]);
    const adminB = await callerFor(world, world.usersB.customer_admin.email);
    const view = await adminB.caller.audit.list({ result: "denied" });
    expect(view.items.map((e) => e.action)).toContain("customers.create");
  });

  it("audits every sign-in, successful or not", async () => {
    await callerFor(world, world.usersB.technician.email);
    const { rows: ok } = await world.owner.query(
      `SELECT result FROM audit_log WHERE action = 'auth.signIn' AND user_id = $1`,
      [world.usersB.technician.id],
    );
    expect(ok.map((r) => r.result)).toContain("ok");
  });

  it("keeps partitions three months ahead and refuses retention shorter than a year", async () => {
    const result = await maintainAuditPartitions(world.deps.db, 24);
    expect(result).toEqual({ created: 0, dropped: [] });
    const { rows: parts } = await world.owner.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_log'::regclass ORDER BY 1`,
    );
    expect(parts.length).toBeGreaterThanOrEqual(4);
    await expect(maintainAuditPartitions(world.deps.db, 3)).rejects.toThrow(/at least 12 months/);
  });

  it("drops partitions past retention", async () => {
    await world.owner.query(
      `CREATE TABLE audit_log_y2001m01 PARTITION OF audit_log FOR VALUES FROM ('2001-01-01') TO ('2001-02-01')`,
    );
    await world.owner.query(
      `INSERT INTO audit_log (id, created_at, action, result) VALUES (gen_random_uuid(), '2001-01-15', 'ancient', 'ok')`,
    );
    const result = await maintainAuditPartitions(world.deps.db, 24);
    expect(result.dropped).toEqual(["audit_log_y2001m01"]);
    expect(
      (await world.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'ancient'`)).rows[0].n,
    ).toBe(0);
  });
});

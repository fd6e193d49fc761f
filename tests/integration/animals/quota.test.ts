// A customer's active animals never exceed its quota, even when creates race each other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId, setQuota } from "./support";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => world?.close());

const activeCount = async (customerId: string) =>
  (
    await world.owner.query(`SELECT count(*)::int AS n FROM animals WHERE customer_id = $1 AND status = 'active'`, [
      customerId,
    ])
  ).rows[0].n as number;

describe("animal quota under concurrency", () => {
  it("one animal below quota, N parallel creates: exactly one wins, the rest get the quota error", async () => {
    const A = world.customerA;
    const { caller } = await callerFor(world, world.usersA.customer_admin.email);
    for (let i = 0; i < 4; i++)
      await caller.animals.create({
        customerId: A,
        officialId: newOfficialId(),
        breed: "HO",
        sex: "female",
        birthDate: "2021-01-01",
      });
    await setQuota(world, A, 5);
    const N = 8;
    const results = await Promise.allSettled(
      Array.from({ length: N }, () =>
        caller.animals.create({
          customerId: A,
          officialId: newOfficialId(),
          breed: "JE",
          sex: "female",
          birthDate: "2022-01-01",
        }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(N - 1);
    for (const r of lost) {
      expect((r.reason as { code: string }).code).toBe("CONFLICT");
      expect((r.reason as Error).message).toMatch(
        /Animal quota reached: the customer may have 5 active animals and has 5/,
      );
    }
    expect(await activeCount(A)).toBe(5);
  });

  it("the exported assertQuota serialises other writers (the importer) the same way", async () => {
    const B = world.customerB;
    await setQuota(world, B, 3);
    const { caller } = await callerFor(world, world.usersB.customer_admin.email);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        caller.animals.create({
          customerId: B,
          officialId: newOfficialId(),
          breed: "HO",
          sex: i % 2 ? "male" : "female",
          birthDate: "2022-01-01",
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(await activeCount(B)).toBe(3);
  });
});

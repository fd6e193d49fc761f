// Cache-aside per tenant: reads are served from the customer's namespace, every write makes the next
// read reflect it, B's cache is untouched by A's writes and never served to A; bull changes reach
// the pedigrees that show the bull.
import { animals } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "./support";

let world: World;
let apiA: Awaited<ReturnType<typeof callerFor>>["caller"];
let apiB: Awaited<ReturnType<typeof callerFor>>["caller"];
let A: string;
let B: string;

beforeAll(async () => {
  world = await createWorld();
  A = world.customerA;
  B = world.customerB;
  apiA = (await callerFor(world, world.usersA.customer_user.email)).caller;
  apiB = (await callerFor(world, world.usersB.customer_user.email)).caller;
});
afterAll(async () => world?.close());

const cow = (customerId: string, name: string) => ({
  customerId,
  officialId: newOfficialId(),
  name,
  breed: "HO",
  sex: "female" as const,
  birthDate: "2021-06-01",
});

describe("animal caching", () => {
  it("serves repeated reads from the cache (a change behind its back is not seen until a write)", async () => {
    const a = await apiA.animals.create(cow(A, "Cached"));
    const list1 = await apiA.animals.list({ customerId: A });
    const detail1 = await apiA.animals.get({ animalId: a.id });
    // Changed directly in the database, bypassing the service: the cache still answers.
    await world.owner.query(`UPDATE animals SET name = 'Sneaky' WHERE id = $1`, [a.id]);
    expect((await apiA.animals.list({ customerId: A })).items.find((x) => x.id === a.id)?.name).toBe("Cached");
    expect((await apiA.animals.get({ animalId: a.id })).name).toBe(detail1.name);
    expect(list1.total).toBeGreaterThan(0);
    await world.owner.query(`UPDATE animals SET name = 'Cached' WHERE id = $1`, [a.id]);
  });

  it("every write is reflected by the next read: list, detail, pedigree of relatives", async () => {
    const dam = await apiA.animals.create({ ...cow(A, "Dam"), birthDate: "2015-01-01" });
    const calf = await apiA.animals.create({ ...cow(A, "Calf"), damId: dam.id });
    const total = (await apiA.animals.list({ customerId: A })).total;
    const pedigree = await apiA.animals.pedigree({ animalId: calf.id });
    expect(pedigree.nodes.find((n) => n.id === dam.id)?.name).toBe("Dam");
    expect((await apiA.animals.get({ animalId: dam.id })).offspringCount).toBe(1);

    await apiA.animals.update({ customerId: A, animalId: dam.id, name: "Dam renamed" });
    expect((await apiA.animals.pedigree({ animalId: calf.id })).nodes.find((n) => n.id === dam.id)?.name).toBe(
      "Dam renamed",
    );
    expect((await apiA.animals.get({ animalId: dam.id })).name).toBe("Dam renamed");
    expect((await apiA.animals.list({ customerId: A, search: "dam ren" })).items.map((x) => x.id)).toEqual([dam.id]);

    const second = await apiA.animals.create({ ...cow(A, "Second calf"), damId: dam.id });
    expect((await apiA.animals.list({ customerId: A })).total).toBe(total + 1);
    expect((await apiA.animals.get({ animalId: dam.id })).offspringCount).toBe(2);
    expect((await apiA.animals.descendants({ animalId: dam.id })).nodes.map((n) => n.id).sort()).toEqual(
      [calf.id, second.id].sort(),
    );

    await apiA.animals.setStatus({ customerId: A, animalId: second.id, status: "sold", statusDate: "2024-05-01" });
    expect((await apiA.animals.get({ animalId: second.id })).status).toBe("sold");
    expect((await apiA.animals.list({ customerId: A, status: "sold" })).items.map((x) => x.id)).toContain(second.id);
  });

  it("keeps tenants apart: A's writes leave B's cache alone, and B's cache is never served to A", async () => {
    await apiB.animals.create(cow(B, "B's cow"));
    const bList = await apiB.animals.list({ customerId: B });
    const aList = await apiA.animals.list({ customerId: A });
    expect(aList.items.some((x) => x.customerId === B)).toBe(false);
    expect(bList.items.every((x) => x.customerId === B)).toBe(true);
    // Identical list parameters but different customers: different namespaces.
    expect(animals.animalsNamespace(A)).not.toBe(animals.animalsNamespace(B));
    // A write in A; B's cached list stays (proved by a hidden DB change B still does not see).
    const bCow = bList.items[0]!;
    await world.owner.query(`UPDATE animals SET name = 'B hidden change' WHERE id = $1`, [bCow.id]);
    await apiA.animals.create(cow(A, "Another A cow"));
    expect((await apiB.animals.list({ customerId: B })).items[0]!.name).toBe(bCow.name);
    // And B's write makes B's next read fresh.
    await apiB.animals.update({ customerId: B, animalId: bCow.id, notes: "touched" });
    expect((await apiB.animals.list({ customerId: B })).items[0]!.name).toBe("B hidden change");
    // A user of A never gets B's cached detail.
    await expect(apiA.animals.get({ animalId: bCow.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a bull change invalidates the pedigrees and details that show the bull", async () => {
    const vet = (await callerFor(world, world.usersA.veterinarian.email)).caller;
    const bull = await vet.bulls.create({
      naabCode: "11HO555",
      registrationNumber: newOfficialId(),
      name: "Old Name",
      breed: "HO",
    });
    const calf = await apiA.animals.create({ ...cow(A, "Bull calf"), sireBullId: bull.id });
    expect((await apiA.animals.get({ animalId: calf.id })).sireBull?.name).toBe("Old Name");
    expect((await apiA.animals.pedigree({ animalId: calf.id })).nodes[0]?.name).toBe("Old Name");
    expect((await apiA.bulls.get({ bullId: bull.id })).name).toBe("Old Name");
    await vet.bulls.update({ bullId: bull.id, name: "New Name" });
    expect((await apiA.animals.get({ animalId: calf.id })).sireBull?.name).toBe("New Name");
    expect((await apiA.animals.pedigree({ animalId: calf.id })).nodes[0]?.name).toBe("New Name");
    expect((await apiA.bulls.get({ bullId: bull.id })).name).toBe("New Name");
    expect((await apiA.bulls.list({ search: "new na" })).items.map((b) => b.id)).toEqual([bull.id]);
  });
});

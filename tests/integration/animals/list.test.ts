// Search, filters, sorting, keyset pagination (stable under inserts), totals, and the customer on
// rows of staff searches across customers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "./support";

let world: World;
let api: Awaited<ReturnType<typeof callerFor>>["caller"];
let A: string;

beforeAll(async () => {
  world = await createWorld();
  A = world.customerA;
  api = (await callerFor(world, world.usersA.customer_admin.email)).caller;
  const names = ["Bella", "bessie", null, "Clover", "Daisy", null, "Ella", "Fern", "Gerty", "Hazel", "Ivy", "June"];
  for (const [i, name] of names.entries())
    await api.animals.create({
      customerId: A,
      officialId: newOfficialId(i % 3 === 0 ? "JE" : "HO"),
      herdTag: i % 4 === 0 ? null : `T-${String(100 + i)}`,
      name,
      breed: i % 3 === 0 ? "JE" : "HO",
      sex: i % 2 ? "male" : "female",
      birthDate: `20${String(10 + i)}-02-03`,
    });
});
afterAll(async () => world?.close());

async function all(input: Parameters<typeof api.animals.list>[0]) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await api.animals.list({ ...input, limit: 5, cursor });
    seen.push(...page.items.map((x) => x.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 20);
  return seen;
}

describe("animals.list", () => {
  it("searches prefixes of official ID, herd tag and name, case-insensitively", async () => {
    expect((await api.animals.list({ customerId: A, search: "BE" })).items.map((x) => x.name).sort()).toEqual([
      "Bella",
      "bessie",
    ]);
    expect((await api.animals.list({ customerId: A, search: "t-10" })).total).toBeGreaterThan(0);
    expect((await api.animals.list({ customerId: A, search: "je 840" })).total).toBe(4);
    expect((await api.animals.list({ customerId: A, search: "ella" })).items.map((x) => x.name)).toEqual(["Ella"]);
    expect((await api.animals.list({ customerId: A, search: "%" })).total).toBe(0);
  });

  it("filters by breed, sex, status, birth-date range; hasGenotype matches nothing while no animal has a genotype", async () => {
    expect((await api.animals.list({ customerId: A, breed: "JE" })).total).toBe(4);
    expect((await api.animals.list({ customerId: A, sex: "male" })).total).toBe(6);
    expect((await api.animals.list({ customerId: A, bornFrom: "2012-01-01", bornTo: "2014-12-31" })).total).toBe(3);
    expect((await api.animals.list({ customerId: A, status: "sold" })).total).toBe(0);
    expect((await api.animals.list({ customerId: A, hasGenotype: true })).total).toBe(0);
    expect((await api.animals.list({ customerId: A, hasGenotype: false })).total).toBe(12);
  });

  for (const sort of ["officialId", "herdTag", "name", "birthDate"] as const)
    for (const order of ["asc", "desc"] as const)
      it(`pages by ${sort} ${order} through every row exactly once, in order, NULLs ${order === "asc" ? "last" : "first"}`, async () => {
        const ids = await all({ customerId: A, sort, order });
        const full = (await api.animals.list({ customerId: A, sort, order, limit: 500 })).items;
        expect(ids).toEqual(full.map((x) => x.id));
        expect(new Set(ids).size).toBe(12);
        const values = full.map((x) => x[sort]);
        const nonNull = values.filter((v): v is string => v !== null);
        const sorted = [...nonNull].sort();
        expect(nonNull).toEqual(order === "asc" ? sorted : sorted.reverse());
        const firstNull = values.indexOf(null);
        if (firstNull >= 0) {
          if (order === "asc") expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
          else expect(values.slice(0, values.lastIndexOf(null) + 1).every((v) => v === null)).toBe(true);
        }
      });

  it("keeps pages stable when rows are inserted between them, and reports the filtered total", async () => {
    const first = await api.animals.list({ customerId: A, sort: "name", limit: 4 });
    expect(first.total).toBe(12);
    // Inserted before the cursor position: must not shift or repeat anything on later pages.
    await api.animals.create({
      customerId: A,
      officialId: newOfficialId(),
      name: "Aaron",
      breed: "HO",
      sex: "male",
      birthDate: "2020-01-01",
    });
    const second = await api.animals.list({ customerId: A, sort: "name", limit: 4, cursor: first.nextCursor! });
    expect(second.items[0]!.name! > first.items.at(-1)!.name!).toBe(true);
    expect(second.items.map((x) => x.id)).not.toEqual(expect.arrayContaining(first.items.map((x) => x.id)));
    expect(second.total).toBe(13);
    await expect(
      api.animals.list({ customerId: A, sort: "birthDate", cursor: first.nextCursor! }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.animals.list({ customerId: A, cursor: "garbage" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("gives staff searching across customers the customer on each row; a farm's own users do not get it", async () => {
    const admin = (await callerFor(world, world.usersA.admin.email)).caller;
    const across = await admin.animals.list({ search: "bella" });
    const row = across.items.find((x) => x.customerId === A)!;
    expect(row.customer).toEqual({ id: A, name: expect.stringMatching(/^Farm A /) });
    const vet = (await callerFor(world, world.usersA.veterinarian.email)).caller;
    expect((await vet.animals.list({ search: "bella" })).items[0]?.customer?.id).toBe(A);
    expect((await api.animals.list({ search: "bella" })).items[0]?.customer ?? null).toBeNull();
  });
});

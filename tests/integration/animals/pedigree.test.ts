// Pedigrees: depth limits, catalogue bulls as sires, one recursive query per walk, and inbreeding
// through the API equal to the unit-tested Meuwissen–Luo function on the same pedigree.
import { animals } from "@reprotech/domain";
import { inbreedingOf, type PedigreeEntry } from "@reprotech/domain/schemas";
import { withTenant, type Tx } from "@reprotech/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "./support";

let world: World;
let api: Awaited<ReturnType<typeof callerFor>>["caller"];
let A: string;
const ids: Record<string, string> = {};
let bullId: string;

/** Animal `name` born in `year`, by `sire` out of `dam` (names of animals made earlier). */
async function add(name: string, sex: "male" | "female", year: number, sire?: string, dam?: string, sireBull?: string) {
  const a = await api.animals.create({
    customerId: A,
    officialId: newOfficialId(),
    name,
    breed: "HO",
    sex,
    birthDate: `${year}-01-01`,
    sireId: sire ? ids[sire] : undefined,
    damId: dam ? ids[dam] : undefined,
    sireBullId: sireBull,
  });
  ids[name] = a.id;
  return a;
}

beforeAll(async () => {
  world = await createWorld();
  A = world.customerA;
  api = (await callerFor(world, world.usersA.veterinarian.email)).caller;
  bullId = (
    await api.bulls.create({
      naabCode: `7HO${Math.floor(Math.random() * 90000) + 10000}`,
      registrationNumber: newOfficialId(),
      name: "Catalogue Sire",
      breed: "HO",
    })
  ).id;
  // Full-sib mating: S × D → B (male), C (female); B × C → X (F = 0.25). G is by a catalogue bull out of X.
  await add("S", "male", 2010);
  await add("D", "female", 2010);
  await add("B", "male", 2013, "S", "D");
  await add("C", "female", 2013, "S", "D");
  await add("X", "female", 2016, "B", "C");
  await add("G", "female", 2019, undefined, "X", bullId);
});
afterAll(async () => world?.close());

describe("pedigree", () => {
  it("returns ancestors to the requested depth, nearest generation first, bulls included", async () => {
    const one = await api.animals.pedigree({ customerId: A, animalId: ids.G!, depth: 1 });
    expect(one.root.id).toBe(ids.G);
    expect(one.nodes.map((n) => [n.kind, n.generation]).sort()).toEqual([
      ["animal", 1],
      ["bull", 1],
    ]);
    const bull = one.nodes.find((n) => n.kind === "bull")!;
    expect(bull).toMatchObject({ id: bullId, name: "Catalogue Sire", sex: "male", birthDate: null });

    const two = await api.animals.pedigree({ customerId: A, animalId: ids.G!, depth: 2 });
    expect(new Set(two.nodes.map((n) => n.id))).toEqual(new Set([bullId, ids.X, ids.B, ids.C]));
    const four = await api.animals.pedigree({ animalId: ids.G! });
    expect(four.depth).toBe(4);
    // S and D are reached along two paths each (through B and through C) but appear once.
    expect(four.nodes.map((n) => n.id).sort()).toEqual([bullId, ids.X, ids.B, ids.C, ids.S, ids.D].sort());
    expect(four.nodes.find((n) => n.id === ids.S)!.generation).toBe(3);
  });

  it("refuses depths outside 1–8", async () => {
    await expect(api.animals.pedigree({ animalId: ids.G!, depth: 9 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.animals.pedigree({ animalId: ids.G!, depth: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("walks descendants, depth-limited", async () => {
    const one = await api.animals.descendants({ animalId: ids.S!, depth: 1 });
    expect(new Set(one.nodes.map((n) => n.id))).toEqual(new Set([ids.B, ids.C]));
    const all = await api.animals.descendants({ animalId: ids.S!, depth: 8 });
    expect(all.nodes.map((n) => [n.id, n.generation])).toEqual(
      expect.arrayContaining([
        [ids.B, 1],
        [ids.C, 1],
        [ids.X, 2],
        [ids.G, 3],
      ]),
    );
    expect(all.nodes).toHaveLength(4);
  });

  it("runs each walk as ONE recursive SQL statement, whatever the depth", async () => {
    for (const depth of [1, 4, 8]) {
      const statements: string[] = [];
      await withTenant(world.deps.db, { customerIds: [A], userId: null }, async (tx) => {
        const counting = new Proxy(tx, {
          get(target, key, receiver) {
            const value = Reflect.get(target, key, receiver);
            if (typeof value !== "function" || typeof key !== "string" || !key.startsWith("$query")) return value;
            return (sql: string, ...rest: unknown[]) => {
              statements.push(String(sql));
              return (value as (...a: unknown[]) => unknown).call(target, sql, ...rest);
            };
          },
        }) as Tx;
        await animals.ancestors(counting, A, ids.G!, depth);
        await animals.descendants(counting, A, ids.S!, depth);
      });
      expect(statements).toHaveLength(2);
      for (const s of statements) expect(s).toMatch(/WITH RECURSIVE/);
    }
  });

  it("reports inbreeding equal to the unit-tested function on the same pedigree", async () => {
    const x = await api.animals.get({ animalId: ids.X! });
    const pedigree: PedigreeEntry[] = [
      { id: ids.S!, sire: null, dam: null },
      { id: ids.D!, sire: null, dam: null },
      { id: ids.B!, sire: ids.S!, dam: ids.D! },
      { id: ids.C!, sire: ids.S!, dam: ids.D! },
      { id: ids.X!, sire: ids.B!, dam: ids.C! },
    ];
    expect(x.inbreeding).toBe(inbreedingOf(ids.X!, pedigree));
    expect(x.inbreeding).toBe(0.25);
    expect(x.knownAncestors).toBe(4);
    expect(x.sire).toMatchObject({ id: ids.B, name: "B" });
    expect(x.offspringCount).toBe(1);
    // G: sire is a catalogue bull (a founder here), dam X is inbred but G's parents are unrelated.
    const g = await api.animals.get({ animalId: ids.G! });
    expect(g).toMatchObject({ inbreeding: 0, knownAncestors: 6, sireBull: { id: bullId, name: "Catalogue Sire" } });
    // Back-cross X to her sire B: F = ½(1 + F_B)·… = a_BX / 2 = (½(a_BB + a_BC))/2 = (½(1 + 0.5))/2 = 0.375.
    await add("Y", "female", 2020, "B", "X");
    const y = await api.animals.get({ animalId: ids.Y! });
    expect(y.inbreeding).toBe(inbreedingOf(ids.Y!, [...pedigree, { id: ids.Y!, sire: ids.B!, dam: ids.X! }]));
    expect(y.inbreeding).toBe(0.375);
  });
});

// Every bad write is refused with a specific message, and the database is left exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { expectRejectedUnchanged, newOfficialId, setQuota, snapshot } from "./support";

let world: World;
let api: Awaited<ReturnType<typeof callerFor>>["caller"];
let A: string;
let cow: { id: string; officialId: string };
let bull: { id: string; officialId: string };

const base = () => ({
  customerId: A,
  officialId: newOfficialId(),
  breed: "HO",
  sex: "female" as const,
  birthDate: "2022-03-01",
});

beforeAll(async () => {
  world = await createWorld();
  A = world.customerA;
  api = (await callerFor(world, world.usersA.customer_user.email)).caller;
  cow = await api.animals.create({ ...base(), birthDate: "2018-01-01", name: "Mother" });
  bull = await api.animals.create({ ...base(), sex: "male", birthDate: "2017-05-01", name: "Father" });
});
afterAll(async () => world?.close());

describe("animal writes refuse bad input and write nothing", () => {
  it("accepts a valid animal with herd parents (sanity)", async () => {
    const calf = await api.animals.create({
      ...base(),
      sireId: bull.id,
      damId: cow.id,
      officialId: " ho840 " + newOfficialId().slice(5).toLowerCase(),
    });
    expect(calf.officialId).toMatch(/^HO840\d{12}$/);
    expect(calf).toMatchObject({ sireId: bull.id, damId: cow.id, status: "active", statusDate: null });
  });

  it("unknown parent", async () => {
    const ghost = "00000000-0000-4000-8000-000000000000";
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), damId: ghost }),
      "BAD_REQUEST",
      /Dam not found: no animal 0{8}-.* in this herd/,
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), sireBullId: ghost }),
      "BAD_REQUEST",
      /Sire bull not found/,
    );
  });

  it("parent of the wrong sex", async () => {
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), sireId: cow.id }),
      "BAD_REQUEST",
      new RegExp(`Sire ${cow.officialId} is female; a sire must be male`),
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), damId: bull.id }),
      "BAD_REQUEST",
      new RegExp(`Dam ${bull.officialId} is male; a dam must be female`),
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), recipientDamId: bull.id }),
      "BAD_REQUEST",
      /Recipient dam .* is male; a recipient dam must be female/,
    );
  });

  it("parent born after (or with) the child", async () => {
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), birthDate: "2017-01-01", damId: cow.id }),
      "BAD_REQUEST",
      new RegExp(`Dam ${cow.officialId} was born on 2018-01-01, not before .* \\(born 2017-01-01\\)`),
    );
  });

  it("a cycle: A sire of B, then B as sire of A", async () => {
    const a = await api.animals.create({ ...base(), sex: "male", birthDate: "2019-01-01" });
    const b = await api.animals.create({ ...base(), sex: "male", birthDate: "2020-01-01", sireId: a.id });
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.update({ customerId: A, animalId: a.id, sireId: b.id }),
      "BAD_REQUEST",
      new RegExp(`${a.officialId} is an ancestor of ${b.officialId}; .* would make ${a.officialId} its own ancestor`),
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.update({ customerId: A, animalId: a.id, sireId: a.id }),
      "BAD_REQUEST",
      /cannot be its own sire/,
    );
  });

  it("duplicate official ID, on create and on update", async () => {
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), officialId: cow.officialId }),
      "CONFLICT",
      new RegExp(`An animal with official ID ${cow.officialId} already exists`),
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.update({ customerId: A, animalId: bull.id, officialId: cow.officialId.toLowerCase() }),
      "CONFLICT",
      new RegExp(`official ID ${cow.officialId} already exists`),
    );
  });

  it("malformed official IDs, both forms", async () => {
    const cases: [string, "male" | "female", RegExp][] = [
      ["HO84000300", "female", /must be 17 or 19 characters \(got 10/],
      ["HO999003000000001", "female", /country code 999 is not an ISO 3166 numeric code/],
      ["HOX40003000000001", "female", /characters 3–5 must be a numeric country code/],
      ["HO84000300000000A", "female", /characters 6–17 must be 12 digits/],
      ["12840003000000001", "female", /characters 1–2 must be a breed code/],
      ["HOLUSAX000123456789", "female", /character 7 must be the sex, M or F/],
      ["HOLXYZF000123456789", "female", /country code XYZ is not an ISO 3166 alpha-3 code/],
      ["HOLUSAF00012345678_", "female", /characters 8–19 must be 12 letters or digits/],
      ["HOLUSAM000123456789", "female", /marks a male \(M\) but the animal is female/],
    ];
    for (const [officialId, sex, message] of cases)
      await expectRejectedUnchanged(
        world,
        A,
        () => api.animals.create({ ...base(), officialId, sex }),
        "BAD_REQUEST",
        message,
      );
    const ok = await api.animals.create({ ...base(), officialId: "holusaf000123456789", sex: "female" });
    expect(ok.officialId).toBe("HOLUSAF000123456789");
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.update({ customerId: A, animalId: ok.id, sex: "male" }),
      "BAD_REQUEST",
      /marks a female \(F\) but the animal is male/,
    );
  });

  it("dates in the future, and status dates before birth", async () => {
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), birthDate: "2999-01-01" }),
      "BAD_REQUEST",
      /Birth date 2999-01-01 is in the future/,
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), birthDate: "2022-02-30" }),
      "BAD_REQUEST",
      /"2022-02-30" is not a date/,
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.setStatus({ customerId: A, animalId: cow.id, status: "sold", statusDate: "2999-01-01" }),
      "BAD_REQUEST",
      /Status date 2999-01-01 is in the future/,
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.setStatus({ customerId: A, animalId: cow.id, status: "sold", statusDate: "2017-01-01" }),
      "BAD_REQUEST",
      /Status date 2017-01-01 is before the birth date 2018-01-01/,
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.setStatus({ customerId: A, animalId: cow.id, status: "dead" }),
      "BAD_REQUEST",
      /Give the date the animal was dead/,
    );
  });

  it("unknown breed, two sires, an offspring's parent changing sex", async () => {
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), breed: "ZZ" }),
      "BAD_REQUEST",
      /Unknown breed code "ZZ"/,
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.update({ customerId: A, animalId: bull.id, sex: "female" }),
      "BAD_REQUEST",
      new RegExp(`${bull.officialId} is the sire of .*, so it cannot be female`),
    );
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.update({ customerId: A, animalId: cow.id, birthDate: "2023-01-01" }),
      "BAD_REQUEST",
      /offspring .* was born on 2022-03-01, not after 2023-01-01/,
    );
  });

  it("quota overflow on create and on reactivation", async () => {
    const { rows } = await world.owner.query(
      `SELECT count(*)::int AS n FROM animals WHERE customer_id = $1 AND status = 'active'`,
      [A],
    );
    const active: number = rows[0].n;
    await setQuota(world, A, active);
    try {
      await expectRejectedUnchanged(
        world,
        A,
        () => api.animals.create(base()),
        "CONFLICT",
        new RegExp(`Animal quota reached: the customer may have ${active} active animals and has ${active}`),
      );
      // Non-active animals do not count, so history can still be recorded…
      const sold = await api.animals.create({ ...base(), status: "sold", statusDate: "2023-01-01" });
      // …but reactivating one does.
      await expectRejectedUnchanged(
        world,
        A,
        () => api.animals.setStatus({ customerId: A, animalId: sold.id, status: "active" }),
        "CONFLICT",
        /Animal quota reached/,
      );
      await api.animals.setStatus({ customerId: A, animalId: cow.id, status: "culled", statusDate: "2024-01-01" });
      const back = await api.animals.setStatus({ customerId: A, animalId: sold.id, status: "active" });
      expect(back).toMatchObject({ status: "active", statusDate: null });
    } finally {
      await setQuota(world, A, 1000);
    }
  });

  it("B's animals are not parents in A", async () => {
    const apiB = (await callerFor(world, world.usersB.customer_user.email)).caller;
    const foreign = await apiB.animals.create({
      customerId: world.customerB,
      officialId: newOfficialId(),
      breed: "JE",
      sex: "female",
      birthDate: "2015-01-01",
    });
    const before = await snapshot(world, world.customerB);
    await expectRejectedUnchanged(
      world,
      A,
      () => api.animals.create({ ...base(), damId: foreign.id }),
      "BAD_REQUEST",
      /Dam not found/,
    );
    expect(await snapshot(world, world.customerB)).toBe(before);
  });
});

// The bull catalogue (who may write, codes, uniqueness) and the REST surface: every animals/bulls
// procedure is in /api/v1/openapi.json and REST calls work with an API token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, type World } from "../../support/identity";
import { expectFailure, newOfficialId } from "./support";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => world?.close());

describe("bull catalogue", () => {
  it("is maintained by internal staff and read by everyone with animals.read", async () => {
    const tech = (await callerFor(world, world.usersB.technician.email)).caller;
    const farmer = (await callerFor(world, world.usersA.customer_user.email)).caller;
    const bull = await tech.bulls.create({
      naabCode: "7ho 12345",
      sexedNaabCode: "507HO12345",
      registrationNumber: newOfficialId(),
      name: "Sexed Star",
      breed: "HO",
    });
    expect(bull).toMatchObject({ naabCode: "7HO12345", sexedNaabCode: "507HO12345" });
    expect((await farmer.bulls.get({ bullId: bull.id })).name).toBe("Sexed Star");
    expect((await farmer.bulls.list({ search: "507ho" })).items.map((b) => b.id)).toEqual([bull.id]);
    await expectFailure(
      farmer.bulls.create({ naabCode: "7HO1", registrationNumber: "X1", name: "No", breed: "HO" }),
      "FORBIDDEN",
      /bulls\.manage/,
    );
    await expectFailure(
      tech.bulls.create({
        naabCode: "7HO99",
        sexedNaabCode: "7HO12345",
        registrationNumber: newOfficialId(),
        name: "Clash",
        breed: "HO",
      }),
      "CONFLICT",
      /NAAB code 7HO12345 is already used by bull Sexed Star/,
    );
    await expectFailure(
      tech.bulls.create({ naabCode: "HO12345", registrationNumber: newOfficialId(), name: "Bad", breed: "HO" }),
      "BAD_REQUEST",
      /NAAB code "HO12345" is not valid/,
    );
    await expectFailure(
      tech.bulls.update({ bullId: bull.id, sexedNaabCode: "7HO12345" }),
      "BAD_REQUEST",
      /must differ/,
    );
    const { rows } = await world.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1`, [
      bull.id,
    ]);
    expect(rows[0].n).toBe(1);
  });
});

describe("REST (OpenAPI)", () => {
  it("lists every animals and bulls procedure and serves them with an API token", async () => {
    const t = await startTestApp();
    try {
      const doc = (await t.app.inject("/api/v1/openapi.json")).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(ops).toEqual(
        expect.arrayContaining([
          "GET /animals",
          "POST /animals",
          "GET /animals/{animalId}",
          "PATCH /animals/{animalId}",
          "POST /animals/{animalId}/status",
          "GET /animals/{animalId}/pedigree",
          "GET /animals/{animalId}/descendants",
          "GET /bulls",
          "POST /bulls",
          "GET /bulls/{bullId}",
          "PATCH /bulls/{bullId}",
        ]),
      );
      const admin = (await callerFor(world, world.usersA.customer_admin.email)).caller;
      const { token } = await admin.apiTokens.create({
        customerId: world.customerA,
        name: "rest",
        permissions: ["animals.read", "animals.write"],
      });
      const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const officialId = newOfficialId();
      const created = await t.app.inject({
        method: "POST",
        url: "/api/v1/animals",
        headers: auth,
        payload: {
          customerId: world.customerA,
          officialId,
          breed: "HO",
          sex: "female",
          birthDate: "2022-01-01",
          name: "Rest cow",
        },
      });
      expect(created.statusCode, created.body).toBe(200);
      const id = created.json().id as string;
      const got = await t.app.inject({ url: `/api/v1/animals/${id}`, headers: auth });
      expect(got.statusCode, got.body).toBe(200);
      expect(got.json()).toMatchObject({ id, officialId, inbreeding: 0, birthDate: "2022-01-01" });
      const list = await t.app.inject({
        url: `/api/v1/animals?customerId=${world.customerA}&search=rest&hasGenotype=false&limit=5`,
        headers: auth,
      });
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([id]);
      const ped = await t.app.inject({ url: `/api/v1/animals/${id}/pedigree?depth=2`, headers: auth });
      expect(ped.json()).toMatchObject({ depth: 2, root: { id } });
      const bad = await t.app.inject({
        method: "POST",
        url: "/api/v1/animals",
        headers: auth,
        payload: {
          customerId: world.customerA,
          officialId: "HO999003000000001",
          breed: "HO",
          sex: "female",
          birthDate: "2022-01-01",
        },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toMatch(/country code 999 is not an ISO 3166 numeric code/);
    } finally {
      await t.close();
    }
  });
});

// One farm's data never reaches another: objects made in customer A, probed by every role scoped to
// customer B — in-process through tRPC callers, and over HTTP through the SDK with B's API token.
import { appRouter } from "@reprotech/api";
import { createReprotechClient, type ReprotechClient } from "@reprotech/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, type World } from "../../support/identity";

let world: World;
let tokenA: string;
let tokenIdA: string;
let tokenB: string;
/** A's animals: a dam and her calf (so pedigree and descendants have something to leak). */
let damA: string;
let calfA: string;
/** A's genotype upload (with a per-sample result) and the dam's genotype from it. */
let uploadA: string;

/** "Hidden" means the call fails without revealing the object: NOT_FOUND, or FORBIDDEN for a role that may not ask at all. */
async function expectHidden(call: Promise<unknown>, what: string) {
  const error = await call.then(
    (value) => ({ code: "RETURNED", value }),
    (e: { code?: string; data?: { code?: string } }) => ({ code: e.data?.code ?? e.code }),
  );
  expect(["NOT_FOUND", "FORBIDDEN"], `${what} → ${JSON.stringify(error)}`).toContain(error.code);
}

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

/** Every tenant-scoped procedure pointed at A's objects; lists must not contain them. */
async function probe(
  api: Pick<Api, "customers" | "users" | "apiTokens" | "audit" | "animals" | "genotypes">,
  label: string,
) {
  const A = world.customerA;
  const userA = world.usersA.customer_user.id;
  await expectHidden(api.customers.get({ customerId: A }), `${label} customers.get`);
  await expectHidden(api.customers.update({ customerId: A, name: "Stolen farm" }), `${label} customers.update`);
  await expectHidden(api.customers.setStatus({ customerId: A, status: "suspended" }), `${label} customers.setStatus`);
  await expectHidden(api.users.get({ userId: userA }), `${label} users.get`);
  await expectHidden(api.users.list({ customerId: A }), `${label} users.list(A)`);
  await expectHidden(api.users.update({ userId: userA, displayName: "Stolen" }), `${label} users.update`);
  await expectHidden(api.users.resetPassword({ userId: userA }), `${label} users.resetPassword`);
  await expectHidden(
    api.users.setAssignments({ userId: world.usersA.veterinarian.id, customerIds: [] }),
    `${label} users.setAssignments`,
  );
  await expectHidden(api.apiTokens.list({ customerId: A }), `${label} apiTokens.list(A)`);
  await expectHidden(api.apiTokens.revoke({ customerId: A, id: tokenIdA }), `${label} apiTokens.revoke(A)`);
  await expectHidden(
    api.apiTokens.revoke({ customerId: world.customerB, id: tokenIdA }),
    `${label} apiTokens.revoke(B, A's id)`,
  );
  await expectHidden(api.audit.list({ customerId: A }), `${label} audit.list(A)`);
  const B = world.customerB;
  for (const animalId of [damA, calfA]) {
    await expectHidden(api.animals.get({ animalId }), `${label} animals.get`);
    await expectHidden(api.animals.get({ animalId, customerId: A }), `${label} animals.get(A)`);
    await expectHidden(api.animals.get({ animalId, customerId: B }), `${label} animals.get(B, A's id)`);
    await expectHidden(api.animals.pedigree({ animalId }), `${label} animals.pedigree`);
    await expectHidden(api.animals.descendants({ animalId, customerId: A }), `${label} animals.descendants(A)`);
    await expectHidden(api.animals.descendants({ animalId }), `${label} animals.descendants`);
    await expectHidden(api.animals.update({ customerId: A, animalId, name: "Stolen" }), `${label} animals.update(A)`);
    await expectHidden(
      api.animals.update({ customerId: B, animalId, name: "Stolen" }),
      `${label} animals.update(B, A's id)`,
    );
    await expectHidden(
      api.animals.setStatus({ customerId: A, animalId, status: "dead", statusDate: "2024-01-01" }),
      `${label} animals.setStatus(A)`,
    );
    await expectHidden(
      api.animals.setStatus({ customerId: B, animalId, status: "dead", statusDate: "2024-01-01" }),
      `${label} animals.setStatus(B, A's id)`,
    );
  }
  for (const customerId of [undefined, A, B])
    await expectHidden(
      api.genotypes.forAnimal({ animalId: damA, customerId }),
      `${label} genotypes.forAnimal(${customerId ?? ""})`,
    );
  await expectHidden(api.genotypes.uploads.get({ uploadId: uploadA }), `${label} genotypes.uploads.get`);
  for (const customerId of [A, B])
    await expectHidden(
      api.genotypes.uploads.samples({ customerId, uploadId: uploadA }),
      `${label} genotypes.uploads.samples(${customerId === A ? "A" : "B, A's id"})`,
    );
  for (const customerId of [A, B])
    await expectHidden(
      api.genotypes.uploads.assignSample({
        customerId,
        uploadId: uploadA,
        sampleId: "HO840000000000101",
        animalId: calfA,
      }),
      `${label} genotypes.uploads.assignSample(${customerId === A ? "A" : "B, A's id"})`,
    );
  const uploads = await api.genotypes.uploads.list({}).catch(() => [] as { customerId: string }[]);
  expect(
    uploads.filter((u) => u.customerId === A),
    `${label} genotypes.uploads.list`,
  ).toEqual([]);
  await expectHidden(api.animals.list({ customerId: A }), `${label} animals.list(A)`);
  await expectHidden(
    api.animals.create({
      customerId: A,
      officialId: "HO840999999999999",
      breed: "HO",
      sex: "female",
      birthDate: "2020-01-01",
    }),
    `${label} animals.create(A)`,
  );
  const herd = await api.animals.list().catch(() => ({ items: [] as { customerId: string }[] }));
  expect(
    herd.items.filter((x) => x.customerId === A),
    `${label} animals.list`,
  ).toEqual([]);

  const customers = await api.customers.list().catch(() => ({ items: [] as { id: string }[] }));
  expect(
    customers.items.map((c) => c.id),
    `${label} customers.list`,
  ).not.toContain(A);
  const users = await api.users.list().catch(() => ({ items: [] as { customerId: string | null }[] }));
  expect(
    users.items.filter((u) => u.customerId === A),
    `${label} users.list`,
  ).toEqual([]);
  const audit = await api.audit.list().catch(() => ({ items: [] as { customerId: string | null }[] }));
  expect(
    audit.items.filter((e) => e.customerId === A),
    `${label} audit.list`,
  ).toEqual([]);
}

/** The SDK client shaped like a server-side caller (`a.b(input)`), choosing query or mutate per procedure. */
function sdkAsCaller(client: ReprotechClient): Api {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  const at = (path: string[]): unknown =>
    new Proxy(() => {}, {
      get: (_t, key: string) => at([...path, key]),
      apply: (_t, _this, args: unknown[]) => {
        const name = path.join(".");
        const node = path.reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], client) as Record<
          string,
          (i: unknown) => Promise<unknown>
        >;
        return procedures[name]!._def.type === "query" ? node.query!(args[0]) : node.mutate!(args[0]);
      },
    });
  return at([]) as Api;
}

beforeAll(async () => {
  world = await createWorld();
  const adminA = await callerFor(world, world.usersA.customer_admin.email);
  const created = await adminA.caller.apiTokens.create({
    customerId: world.customerA,
    name: "A's integration",
    permissions: ["customers.read", "users.read"],
  });
  tokenA = created.token;
  tokenIdA = created.apiToken.id;
  damA = (
    await adminA.caller.animals.create({
      customerId: world.customerA,
      officialId: "HO840000000000101",
      name: "A's dam",
      breed: "HO",
      sex: "female",
      birthDate: "2018-01-01",
    })
  ).id;
  calfA = (
    await adminA.caller.animals.create({
      customerId: world.customerA,
      officialId: "HO840000000000102",
      name: "A's calf",
      breed: "HO",
      sex: "female",
      birthDate: "2021-01-01",
      damId: damA,
    })
  ).id;
  // A genotype upload with a per-sample result, and the dam's genotype from it.
  const panel = await world.owner.query(
    `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
     VALUES (gen_random_uuid(), $1, '1', 4, '\\x00', repeat('0', 64), 'map') RETURNING id`,
    [`Cross-tenant chip ${world.customerA}`],
  );
  uploadA = (
    await world.owner.query(
      `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
       VALUES (gen_random_uuid(), $1, 'a.txt', 1, repeat('a', 64), 'none', 'final_report', $2, 'completed', now()) RETURNING id`,
      [world.customerA, panel.rows[0].id],
    )
  ).rows[0].id;
  await world.owner.query(
    `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, '\\x00', 1, 0.3, 'pass')`,
    [world.customerA, damA, panel.rows[0].id, uploadA],
  );
  await world.owner.query(
    `INSERT INTO genotype_sample_results (id, customer_id, upload_id, sample_id, animal_id, outcome)
     VALUES (gen_random_uuid(), $1, $2, 'HO840000000000101', $3, 'stored')`,
    [world.customerA, uploadA, damA],
  );
  // Something in A's audit trail worth stealing.
  await adminA.caller.users.update({ userId: world.usersA.customer_user.id, displayName: "A's user, renamed" });
  const adminB = await callerFor(world, world.usersB.customer_admin.email);
  tokenB = (
    await adminB.caller.apiTokens.create({
      customerId: world.customerB,
      name: "B's integration",
      permissions: [
        "customers.read",
        "users.read",
        "users.manage",
        "apiTokens.manage",
        "audit.read",
        "animals.read",
        "animals.write",
        "genotypes.read",
      ],
    })
  ).token;
});
afterAll(async () => world?.close());

async function assertAUntouched() {
  const { rows } = await world.owner.query(`SELECT name, status FROM customers WHERE id = $1`, [world.customerA]);
  expect(rows[0]).toEqual({ name: expect.stringMatching(/^Farm A /), status: "active" });
  const user = await world.owner.query(`SELECT display_name FROM users WHERE id = $1`, [world.usersA.customer_user.id]);
  expect(user.rows[0].display_name).toBe("A's user, renamed");
  const token = await world.owner.query(`SELECT revoked_at FROM api_tokens WHERE id = $1`, [tokenIdA]);
  expect(token.rows[0].revoked_at).toBeNull();
  const resets = await world.owner.query(`SELECT count(*)::int AS n FROM password_resets WHERE user_id = $1`, [
    world.usersA.customer_user.id,
  ]);
  expect(resets.rows[0].n).toBe(0);
  const herd = await world.owner.query(
    `SELECT name, status::text AS status, official_id FROM animals WHERE customer_id = $1 ORDER BY official_id`,
    [world.customerA],
  );
  expect(herd.rows).toEqual([
    { name: "A's dam", status: "active", official_id: "HO840000000000101" },
    { name: "A's calf", status: "active", official_id: "HO840000000000102" },
  ]);
}

describe("cross-tenant isolation", () => {
  for (const role of ["customer_admin", "customer_user", "veterinarian", "technician", "researcher"] as const) {
    it(`hides customer A's objects from ${role} of customer B`, async () => {
      const { caller } = await callerFor(world, world.usersB[role].email);
      await probe(caller, role);
      await assertAUntouched();
    });
  }

  it("hides them from B's API token through the SDK over HTTP", async () => {
    const t = await startTestApp();
    try {
      const url = await t.app.listen({ host: "127.0.0.1", port: 0 });
      const sdkB = createReprotechClient({ url, token: tokenB });
      await probe(sdkAsCaller(sdkB), "api-token B");
      // The token reaches its own farm, so the wall is not simply "nothing works".
      const own = await sdkB.customers.list.query();
      expect(own.items.map((c) => c.id)).toEqual([world.customerB]);
      // A's own token, by contrast, sees A.
      const sdkA = createReprotechClient({ url, token: tokenA });
      expect((await sdkA.customers.get.query({ customerId: world.customerA })).id).toBe(world.customerA);
      await assertAUntouched();
    } finally {
      await t.close();
    }
  });
});

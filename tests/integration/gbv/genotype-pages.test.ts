// The genotype page reader (gbv/genotype-pages.ts): pages read with COPY … (FORMAT binary) on a raw
// client in a scoped transaction (db withTenantClient) hold exactly the stored packed bytes, keyset
// paging and the one-COPY page stream visit every current genotype once, row-level security applies
// as in any tenant transaction, values that would be spliced into the COPY are refused, and a failed
// read or a reader that stops halfway rolls back and leaves the pool usable.
import { gbv } from "@reprotech/domain";
import { withTenantClient } from "@reprotech/db";
import { bytesPerSample } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { registerPanel, simulatedHerdPopulation, storeHerd, type Herd } from "./models-support";

let world: World;
let herd: Herd;
const N_ANIMALS = 45;
const N_SNPS = 1001;
const all = { customerIds: "all", userId: null } as const;

beforeAll(async () => {
  world = await createWorld();
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const pop = simulatedHerdPopulation(11, N_ANIMALS, N_SNPS);
  const panelId = await registerPanel(tech, pop, "Pages chip");
  herd = await storeHerd(world, pop, panelId, [world.customerA, world.customerB]);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

/** Every page of the panel in the scope, in page order. */
async function readAll(scope: Parameters<typeof withTenantClient>[1], pageSize: number) {
  return withTenantClient(world.deps.pool, scope, async (client) => {
    const pages: gbv.GenotypePage[] = [];
    for await (const page of gbv.genotypePages(client, herd.panelId, N_SNPS, pageSize)) pages.push(page);
    return pages;
  });
}

describe("genotype pages read by COPY", () => {
  it("hold the stored bytes, every current genotype once, in id order", async () => {
    const pages = await readAll(all, 10);
    expect(pages.map((p) => p.genotypeIds.length)).toEqual([10, 10, 10, 10, 5]);
    const ids = pages.flatMap((p) => p.genotypeIds);
    expect(ids).toEqual([...herd.genotypeIds].sort());
    const { rows } = await world.owner.query<{ id: string; animal_id: string; customer_id: string; packed: Buffer }>(
      `SELECT id::text, animal_id::text, customer_id::text, packed FROM genotypes WHERE panel_id = $1`,
      [herd.panelId],
    );
    const stored = new Map(rows.map((r) => [r.id, r]));
    const stride = bytesPerSample(N_SNPS);
    for (const page of pages) {
      expect(page.matrix.nSnps).toBe(N_SNPS);
      expect(page.matrix.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      page.genotypeIds.forEach((id, i) => {
        const row = stored.get(id)!;
        expect(page.animalIds[i]).toBe(row.animal_id);
        expect(page.customerIds[i]).toBe(row.customer_id);
        expect(Buffer.from(page.matrix.data.subarray(i * stride, (i + 1) * stride)).equals(row.packed)).toBe(true);
      });
    }
  });

  it("apply row-level security: a farm's scope reads its genotypes only, no scope none", async () => {
    const a = (await readAll({ customerIds: [world.customerA], userId: null }, 1000)).flatMap((p) => p.customerIds);
    expect(a.length).toBe(Math.ceil(N_ANIMALS / 2));
    expect(new Set(a)).toEqual(new Set([world.customerA]));
    expect(await readAll({ customerIds: [], userId: null }, 1000)).toEqual([]);
  });

  it("read only the given upload's or genotypes' rows, and only current ones", async () => {
    const [first, second] = herd.genotypeIds;
    const only = await withTenantClient(world.deps.pool, all, (client) =>
      gbv.readGenotypePage(client, herd.panelId, N_SNPS, null, 1000, { genotypeIds: [first!, second!] }),
    );
    expect(only?.genotypeIds.sort()).toEqual([first!, second!].sort());
    await world.owner.query(`UPDATE genotypes SET is_current = false WHERE id = $1`, [first]);
    try {
      const current = await withTenantClient(world.deps.pool, all, (client) =>
        gbv.readGenotypePage(client, herd.panelId, N_SNPS, null, 1000, { genotypeIds: [first!] }),
      );
      expect(current).toBeNull();
    } finally {
      await world.owner.query(`UPDATE genotypes SET is_current = true WHERE id = $1`, [first]);
    }
  });

  it("refuse a value that is not a uuid before any SQL runs", async () => {
    await expect(
      withTenantClient(world.deps.pool, all, (client) =>
        gbv.readGenotypePage(client, herd.panelId, N_SNPS, "x' OR true --", 10),
      ),
    ).rejects.toThrow(/Not a uuid/);
    await expect(
      withTenantClient(world.deps.pool, all, (client) =>
        gbv.readGenotypePage(client, herd.panelId, N_SNPS, null, 10, { genotypeIds: ["1; DROP TABLE genotypes"] }),
      ),
    ).rejects.toThrow(/Not a uuid/);
  });

  it("a reader that stops after the first page ends the COPY: its transaction rolls back, the pool stays usable", async () => {
    await expect(
      withTenantClient(world.deps.pool, all, async (client) => {
        await client.query(`SELECT set_config('app.probe', 'inside', true)`);
        for await (const page of gbv.genotypePages(client, herd.panelId, N_SNPS, 5)) {
          expect(page.genotypeIds).toHaveLength(5);
          throw new Error("scoring failed");
        }
      }),
    ).rejects.toThrow("scoring failed");
    await expectPoolUsable();
    // Stopping without an error (break) also leaves the client usable: the transaction commits.
    const first = await withTenantClient(world.deps.pool, all, async (client) => {
      let ids: string[] = [];
      for await (const page of gbv.genotypePages(client, herd.panelId, N_SNPS, 5)) {
        ids = page.genotypeIds;
        break;
      }
      return ids;
    });
    expect(first).toEqual([...herd.genotypeIds].sort().slice(0, 5));
    await expectPoolUsable();
  });

  it("a reader that stops halfway through a COPY larger than the socket's buffers leaves the pool usable", async () => {
    // 150 animals × 60K SNPs: 2.2 MB, most of it still unsent when the reader stops.
    const tech = (await callerFor(world, world.usersA.technician.email)).caller;
    const pop = simulatedHerdPopulation(12, 150, 60_000);
    const big = await storeHerd(world, pop, await registerPanel(tech, pop, "Big chip"), [world.customerA]);
    await expect(
      withTenantClient(world.deps.pool, all, async (client) => {
        for await (const page of gbv.genotypePages(client, big.panelId, 60_000, 10)) {
          expect(page.genotypeIds).toHaveLength(10);
          throw new Error("scoring failed");
        }
      }),
    ).rejects.toThrow("scoring failed");
    await expectPoolUsable();
    const first = await withTenantClient(world.deps.pool, all, async (client) => {
      for await (const page of gbv.genotypePages(client, big.panelId, 60_000, 10)) return page.genotypeIds;
      return [];
    });
    expect(first).toEqual([...big.genotypeIds].sort().slice(0, 10));
    await expectPoolUsable();
  }, 60_000);

  it("a failed read rolls back its transaction and leaves the pool usable", async () => {
    // The wrong SNP count: the rows are read, then refused for their length.
    await expect(
      withTenantClient(world.deps.pool, all, async (client) => {
        await client.query(`SELECT set_config('app.probe', 'inside', true)`);
        return gbv.readGenotypePage(client, herd.panelId, N_SNPS + 8, null, 10);
      }),
    ).rejects.toThrow(/holds \d+ bytes, the panel needs \d+/);
    await expectPoolUsable();
  });
});

/** Every connection of the pool still answers, outside any transaction and without the probe setting. */
async function expectPoolUsable() {
  const answers = await Promise.all(
    Array.from({ length: world.deps.config.DATABASE_POOL_MAX }, () =>
      world.deps.pool.query<{ probe: string | null; tx: boolean }>(
        `SELECT current_setting('app.probe', true) AS probe, now() = statement_timestamp() AS tx`,
      ),
    ),
  );
  for (const a of answers) expect(a.rows[0]).toEqual({ probe: expect.not.stringMatching("inside"), tx: true });
}

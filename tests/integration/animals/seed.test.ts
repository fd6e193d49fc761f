// The animals seed: deterministic for a seed (same official IDs, same pedigree), each herd within its
// customer's maxAnimals, parents born before their calves, sires male, dams and recipients female.
import { runSeed } from "@reprotech/db";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/database";

const made: TestDatabase[] = [];
afterAll(async () => {
  for (const d of made) await d.drop();
});

async function seeded(seed: number) {
  const database = await createTestDatabase();
  made.push(database);
  await runSeed({
    ownerUrl: database.ownerUrl,
    seed,
    sizes: { customers: 4, bulls: 20, animals: 160 },
    hashPassword: async (p) => `plain:${p}`,
  });
  const client = new pg.Client({ connectionString: database.ownerUrl });
  await client.connect();
  try {
    const ids = await client.query(
      `SELECT c.name, a.official_id, a.sex, a.status, a.birth_date, s.official_id AS sire, b.naab_code AS bull, d.official_id AS dam
         FROM animals a JOIN customers c ON c.id = a.customer_id LEFT JOIN animals s ON s.id = a.sire_id
         LEFT JOIN bulls b ON b.id = a.sire_bull_id LEFT JOIN animals d ON d.id = a.dam_id ORDER BY c.name, a.official_id`,
    );
    const quota = await client.query(
      `SELECT c.max_animals, count(a.*) FILTER (WHERE a.status = 'active')::int AS active, count(a.*)::int AS total
         FROM customers c LEFT JOIN animals a ON a.customer_id = c.id GROUP BY c.id`,
    );
    const bad = await client.query(
      `SELECT count(*)::int AS n FROM animals a
         LEFT JOIN animals s ON s.id = a.sire_id LEFT JOIN animals d ON d.id = a.dam_id LEFT JOIN animals r ON r.id = a.recipient_dam_id
        WHERE (s.id IS NOT NULL AND (s.sex <> 'male' OR s.birth_date >= a.birth_date))
           OR (d.id IS NOT NULL AND (d.sex <> 'female' OR d.birth_date >= a.birth_date))
           OR (r.id IS NOT NULL AND (r.sex <> 'female' OR r.birth_date >= a.birth_date OR r.id = d.id))
           OR (a.status_date IS NOT NULL AND a.status_date < a.birth_date)`,
    );
    const shape = await client.query(
      `SELECT count(*) FILTER (WHERE dam_id IS NOT NULL)::int AS with_dam, count(sire_bull_id)::int AS ai,
              count(*) FILTER (WHERE status <> 'active')::int AS gone, (SELECT count(*)::int FROM bulls WHERE sexed_naab_code IS NOT NULL) AS sexed
         FROM animals`,
    );
    return { rows: ids.rows, quota: quota.rows, bad: bad.rows[0].n as number, shape: shape.rows[0] };
  } finally {
    await client.end();
  }
}

describe("animals seed", () => {
  it("is deterministic, within each customer's maxAnimals, and pedigree-consistent", async () => {
    const [a, b, c] = [await seeded(42), await seeded(42), await seeded(43)];
    expect(a.rows).toHaveLength(160);
    expect(b.rows).toEqual(a.rows);
    expect(c.rows).not.toEqual(a.rows);
    for (const q of a.quota) expect(q.active).toBeLessThanOrEqual(q.max_animals);
    expect(a.bad).toBe(0);
    expect(a.shape.with_dam).toBeGreaterThan(40);
    expect(a.shape.ai).toBeGreaterThan(40);
    expect(a.shape.gone).toBeGreaterThan(0);
  });
});

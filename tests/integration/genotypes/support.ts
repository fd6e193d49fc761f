// What the genotype tests share: registering a SNP panel from a PLINK .map the way lab staff do, and
// a farm's animals for a file's samples.
import { randomUUID } from "node:crypto";
import type { Caller, World } from "../../support/identity";

/** Registers `mapText` (a PLINK .map) as a new panel through genotypes.panels.register; returns its id. */
export async function registerMapPanel(
  caller: Caller["caller"],
  mapText: string,
  label: string,
  version = "1",
): Promise<string> {
  const fd = new FormData();
  fd.set("name", `${label} ${randomUUID().slice(0, 8)}`);
  fd.set("version", version);
  fd.set("file", new File([mapText], "chip.map"));
  return (await caller.genotypes.panels.register(fd)).id;
}

/** Inserts one female per official ID into the customer's herd; answers animal id by official ID. */
export async function insertAnimals(world: World, customerId: string, officialIds: string[]) {
  const { rows } = await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
     SELECT gen_random_uuid(), $1, o, 'HO', 'female', '2020-01-01', now() FROM unnest($2::text[]) AS o
     RETURNING id::text, official_id`,
    [customerId, officialIds],
  );
  return new Map(rows.map((r) => [r.official_id as string, r.id as string]));
}

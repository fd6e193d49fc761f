// What the model, import, scoring and forAnimal tests share: a simulated herd (the genomics
// library's simulator) on a panel registered from its .bim through genotypes.panels.register, its
// animals and packed genotypes stored as the ingest stores them (one upload row, one current genotype
// per animal); effects files written from effect rows; importing them through gbv.models.import; and
// waiting for the gbv-score job the publication enqueued.
import { createHash, randomUUID } from "node:crypto";
import { formatBim, sampleRow, simulatePopulation, type SimulatedPopulation } from "@reprotech/genomics";
import type { QueueDefinition } from "@reprotech/cache";
import type { World, Caller } from "../../support/identity";
import { newOfficialId } from "../animals/support";

type Api = Caller["caller"];

export interface Herd {
  pop: SimulatedPopulation;
  panelId: string;
  /** animal id and genotype id per simulated animal (pop.animals order). */
  animalIds: string[];
  genotypeIds: string[];
  officialIds: string[];
}

/** Registers the population's panel (a .bim: the A/B letters are its columns 5/6) and returns its id. */
export async function registerPanel(tech: Api, pop: SimulatedPopulation, label: string): Promise<string> {
  const fd = new FormData();
  fd.set("name", `${label} ${randomUUID().slice(0, 8)}`);
  fd.set("version", "1");
  fd.set("file", new File([formatBim(pop.panel)], "chip.bim"));
  return (await tech.genotypes.panels.register(fd)).id;
}

/** Stores the herd's animals (split over `customers` in turn) and their genotypes on the panel, as the owner. */
export async function storeHerd(
  world: World,
  pop: SimulatedPopulation,
  panelId: string,
  customers: readonly string[],
  breeds: readonly string[] = ["HO"],
): Promise<Herd> {
  const animalIds: string[] = [];
  const genotypeIds: string[] = [];
  const officialIds: string[] = [];
  const uploads = new Map<string, string>();
  for (const customerId of customers) {
    const uploadId = randomUUID();
    await world.owner.query(
      `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
       VALUES ($1, $2, 'seeded.bed', 1, $3, $4, 'ped', $5, 'completed', now())`,
      [uploadId, customerId, createHash("sha256").update(uploadId).digest("hex"), `seeded/${uploadId}`, panelId],
    );
    uploads.set(customerId, uploadId);
  }
  for (let i = 0; i < pop.animals.length; i++) {
    const customerId = customers[i % customers.length]!;
    const breed = breeds[i % breeds.length]!;
    const id = randomUUID();
    const genotypeId = randomUUID();
    const officialId = newOfficialId(breed);
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, $4, 'female', '2022-01-01', now())`,
      [id, customerId, officialId, breed],
    );
    await world.owner.query(
      `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status, is_current)
       VALUES ($1, $2, $3, $4, $5, $6, 0.99, 0.3, 'pass', true)`,
      [genotypeId, customerId, id, panelId, uploads.get(customerId), Buffer.from(sampleRow(pop.genotypes, i))],
    );
    animalIds.push(id);
    genotypeIds.push(genotypeId);
    officialIds.push(officialId);
  }
  return { pop, panelId, animalIds, genotypeIds, officialIds };
}

export function simulatedHerdPopulation(seed: number, nAnimals: number, nSnps: number) {
  return simulatePopulation({ seed, nAnimals, nSnps, idPrefix: `G${seed}` });
}

export interface EffectLine {
  snp: string;
  effect: string | number;
  allele: string;
  frequency?: number;
}

/** A CSV effects file; `intercept` goes in a leading comment line. */
export function effectsCsv(lines: readonly EffectLine[], opts: { intercept?: number; frequencies?: boolean } = {}) {
  const head = opts.intercept === undefined ? [] : [`# intercept: ${opts.intercept}`];
  const header = opts.frequencies ? "SNP,Effect,Effect_allele,Frequency" : "SNP,Effect,Effect_allele";
  const rows = lines.map((l) =>
    [l.snp, typeof l.effect === "number" ? l.effect.toPrecision(17) : l.effect, l.allele]
      .concat(opts.frequencies ? [String(l.frequency)] : [])
      .join(","),
  );
  return [...head, header, ...rows, ""].join("\n");
}

export function importForm(fields: Record<string, string>, file: Blob | string, fileName = "effects.csv") {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  fd.set("file", new File([file], fileName));
  return fd;
}

export async function traitId(world: World, code: string): Promise<string> {
  const { rows } = await world.owner.query<{ id: string }>(`SELECT id::text FROM gbv_traits WHERE code = $1`, [code]);
  return rows[0]!.id;
}

/** Waits until `def`'s queue has completed `completed` jobs in all, and nothing is waiting or running. */
export async function waitForJobs(
  world: World,
  def: QueueDefinition<unknown>,
  completed: number,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await world.deps.runtime.queues.counts(def);
    if (c.failed > 0) throw new Error(`${def.name}: ${c.failed} job(s) failed`);
    if (c.completed >= completed && c.active === 0 && c.waiting === 0 && c.delayed === 0) return;
    if (Date.now() > deadline) throw new Error(`${def.name}: ${JSON.stringify(c)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

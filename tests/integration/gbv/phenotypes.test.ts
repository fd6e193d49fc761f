// gbv.training.uploadPhenotypes with bad files: every refusal names the problem (row numbers, the first
// animals, the minimum) and writes nothing — no set, no records, no audit. A researcher's scope is the
// consenting farms: an animal of a farm without research consent is "unknown", never revealed; an
// admin reaches every farm. CSV and XLSX.
import { randomUUID } from "node:crypto";
import { simulatePopulation } from "@reprotech/genomics";
import { TRPCError } from "@trpc/server";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type Caller, type World } from "../../support/identity";
import { insertGenotypedAnimals, insertPanel, phenotypeCsv } from "./training-support";

const N = 80;
let world: World;
let researcher: Caller["caller"];
let admin: Caller["caller"];
let ids: string[];
let farmAIds: string[];
let ungenotyped: string[];
const pop = simulatePopulation({ seed: 7, nAnimals: N + 5, nSnps: 200, idPrefix: "PHE" });
const values = (t: number) => pop.phenotypes[t]!;

const HEADER = ["official_id", "trait", "value"];
const milk = (officialIds: string[]) =>
  officialIds.map((id, i) => [id, "milk_production", values(0)[i]!.toFixed(3)] as (string | number)[]);

async function upload(caller: Caller["caller"], name: string, bytes: Uint8Array) {
  const fd = new FormData();
  fd.set("file", new File([bytes], name));
  return caller.gbv.training.uploadPhenotypes(fd);
}

/** What this file's users and farms have written (other test files may run at the same time). */
async function state() {
  const { rows } = await world.owner.query(
    `SELECT (SELECT count(*) FROM gbv_phenotype_sets WHERE uploaded_by = ANY($1::uuid[]))::int AS sets,
            (SELECT count(*) FROM gbv_phenotypes WHERE customer_id = ANY($2::uuid[]))::int AS records,
            (SELECT count(*) FROM audit_log WHERE action = 'gbv.training.uploadPhenotypes'
               AND user_id = ANY($1::uuid[]))::int AS audits`,
    [
      [world.usersA.researcher.id, world.usersA.admin.id],
      [world.consenting, world.customerA],
    ],
  );
  return rows[0] as { sets: number; records: number; audits: number };
}

/** The upload is refused with BAD_REQUEST and a message matching every pattern; nothing is written. */
async function refused(caller: Caller["caller"], bytes: Uint8Array, ...patterns: RegExp[]) {
  const before = await state();
  const error = await upload(caller, `bad-${randomUUID().slice(0, 6)}.csv`, bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  for (const p of patterns) expect((error as TRPCError).message).toMatch(p);
  expect((error as TRPCError).message).toMatch(/Nothing was stored/);
  expect(await state()).toEqual(before);
  return (error as TRPCError).message;
}

beforeAll(async () => {
  world = await createWorld();
  researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
  admin = (await callerFor(world, world.usersA.admin.email)).caller;
  const panelId = await insertPanel(world.owner, 200, "Phenotype chip");
  const rows = Array.from({ length: N }, (_, i) => i);
  ({ officialIds: ids } = await insertGenotypedAnimals(world.owner, world.consenting, panelId, pop.genotypes, {
    rows,
  }));
  // Farm A has not consented to research: its genotyped animals are out of a researcher's reach.
  ({ officialIds: farmAIds } = await insertGenotypedAnimals(world.owner, world.customerA, panelId, pop.genotypes, {
    rows: [N, N + 1, N + 2],
  }));
  ({ officialIds: ungenotyped } = await insertGenotypedAnimals(world.owner, world.consenting, panelId, pop.genotypes, {
    rows: [N + 3, N + 4],
    genotyped: false,
  }));
}, 60_000);
afterAll(async () => world?.close());

describe("phenotype upload refusals", () => {
  it("unknown animals: counted and the first ten listed", async () => {
    const unknown = Array.from({ length: 12 }, (_, i) => `XX840${String(999000000000 + i)}`);
    const message = await refused(
      researcher,
      phenotypeCsv(HEADER, [...milk(ids), ...unknown.map((id) => [id, "milk_production", "10"])]),
      /12 unknown animals/,
      new RegExp(unknown.slice(0, 10).join(", ")),
      /and 2 more/,
    );
    expect(message).not.toContain(unknown[10]!);
  });

  it("a researcher's file with animals of a farm without research consent: reported as unknown, never revealed", async () => {
    const bytes = phenotypeCsv(HEADER, [...milk(ids), ...farmAIds.map((id) => [id, "milk_production", "10"])]);
    const message = await refused(researcher, bytes, /3 unknown animals/, new RegExp(farmAIds.join(", ")));
    expect(message).not.toMatch(/consent|farm|customer/i);
    // An admin reaches every farm: the same file is accepted.
    const ok = await upload(admin, "all-farms.csv", bytes);
    expect(ok).toMatchObject({ created: true, set: { recordCount: N + 3, customerCount: 2 } });
  });

  it("non-numeric values: their row numbers", async () => {
    const rows = milk(ids);
    rows[1]![2] = "12.5 kg";
    rows[40]![2] = "n/a";
    await refused(researcher, phenotypeCsv(HEADER, rows), /Values that are not numbers on rows 3, 42/);
  });

  it("non-numeric reference values: their row numbers", async () => {
    const rows = milk(ids).map((r, i) => [...r, i === 9 ? "high" : String(i)]);
    await refused(
      researcher,
      phenotypeCsv([...HEADER, "true_value"], rows),
      /Reference values that are not numbers on rows 11/,
    );
  });

  it("animals without a current genotype: the file is refused, listing them", async () => {
    const rows = [...milk(ids), ...ungenotyped.map((id) => [id, "milk_production", "7"])];
    await refused(
      researcher,
      phenotypeCsv(HEADER, rows),
      new RegExp(`2 animals have no current genotype and cannot be used for training: ${ungenotyped.join(", ")}`),
    );
  });

  it("one value for every animal of a trait", async () => {
    await refused(
      researcher,
      phenotypeCsv(
        HEADER,
        ids.map((id) => [id, "fertility", "21.5"]),
      ),
      /Every fertility value is 21.5: a trait without variation/,
    );
  });

  it("too few records for a trait: the minimum is stated", async () => {
    await refused(
      researcher,
      phenotypeCsv(HEADER, [...milk(ids), ...ids.slice(0, 20).map((id, i) => [id, "longevity", String(30 + i)])]),
      /Trait longevity has 20 records: training needs at least 50 genotyped, phenotyped animals per trait/,
    );
  });

  it("unknown trait codes", async () => {
    await refused(
      researcher,
      phenotypeCsv(HEADER, [...milk(ids), [ids[0]!, "butterfat_yield", "4.1"]]),
      /Unknown trait codes: butterfat_yield \(known: .*milk_production/,
    );
  });

  it("duplicate animal + trait rows", async () => {
    const rows = milk(ids);
    rows.push([ids[5]!, "milk_production", "9999"]);
    await refused(
      researcher,
      phenotypeCsv(HEADER, rows),
      new RegExp(`more than one row for a trait .*${ids[5]} milk_production \\(rows 7 and ${N + 2}\\)`),
    );
  });

  it("missing columns and empty cells", async () => {
    const before = await state();
    const noValue = await upload(
      researcher,
      "x.csv",
      phenotypeCsv(["official_id", "trait"], [[ids[0]!, "milk_production"]]),
    ).catch((e: TRPCError) => e);
    expect(noValue).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/no value column/) });
    await refused(researcher, phenotypeCsv(HEADER, [...milk(ids), [ids[1]!, "fertility", ""]]), /row 82 \(value\)/);
    expect(await state()).toEqual(before);
  });

  it("accepts an XLSX workbook with a contemporary group column", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Phenotypes");
    sheet.addRow(["Animal ID", "Trait", "Value", "CG"]);
    ids.forEach((id, i) => sheet.addRow([id, "disease_resistance", values(2)[i]!, `H${i % 4}`]));
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const result = await upload(researcher, "phenotypes.xlsx", bytes);
    expect(result).toMatchObject({ created: true, set: { recordCount: N, customerCount: 1 } });
    const { rows } = await world.owner.query(
      `SELECT count(DISTINCT contemporary_group)::int AS groups, count(*)::int AS n FROM gbv_phenotypes WHERE set_id = $1`,
      [result.set.id],
    );
    expect(rows[0]).toEqual({ groups: 4, n: N });
  });
});

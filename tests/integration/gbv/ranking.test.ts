// gbv.ranking: the SQL ranking (by trait and by selection index, with filters and sorting) against an
// independent computation from the prediction rows; the cache follows a new prediction; tenancy: a
// customer user sees only their farm, a staff member their customers, a researcher the consenting ones
// (must-show 4); the CSV export and the REST read over HTTP.

import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { downloadRankingCsv } from "@reprotech/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import {
  currentPredictions,
  rescore,
  scoredHerd,
  startScoring,
  TRAIT_CODES,
  type ScoredHerd,
  type SeededAnimal,
} from "./predictions-support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
const env = { REDIS_KEY_PREFIX: `test:gbv-ranking-${randomUUID().slice(0, 8)}:` } as Record<string, string>;
let fx: ScoredHerd;
let herdA: SeededAnimal[];
let herdB: SeededAnimal[];
let herdC: SeededAnimal[];
let userA: Api;
let defaultIndexId: string;
const byId = new Map<string, SeededAnimal>();

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-ranking-"));
  env.DATA_DIR = dataDir;
  world = await createWorld(env);
  await startScoring(world);
  fx = await scoredHerd(world, {
    customers: [world.customerA, world.customerB, world.consenting],
    counts: [60, 40, 30],
    seed: 11,
  });
  herdA = fx.animals.filter((a) => a.customerId === world.customerA);
  herdB = fx.animals.filter((a) => a.customerId === world.customerB);
  herdC = fx.animals.filter((a) => a.customerId === world.consenting);
  for (const a of fx.animals) byId.set(a.id, a);
  userA = (await callerFor(world, world.usersA.customer_user.email)).caller;
  const indexes = await userA.gbv.indexes.list({});
  defaultIndexId = indexes.find((i) => i.isDefault && i.name === "Balanced dairy index")!.id;
}, 180_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

type Row = {
  animalId: string;
  customerId: string;
  value: number;
  reliability: number;
  pb: number | null;
  pc: number | null;
};

/** percent_rank within groups, ×100: (rank − 1) / (n − 1) by ascending value. */
function percentRanks(rows: Row[], key: (r: Row) => string): Map<string, number> {
  const out = new Map<string, number>();
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  for (const g of groups.values()) {
    const sorted = [...g].sort((a, b) => a.value - b.value);
    sorted.forEach((r, i) => out.set(r.animalId, sorted.length > 1 ? (100 * i) / (sorted.length - 1) : 0));
  }
  return out;
}

/** The expected index rows: Σ w·s·GBV/SD, SD over every customer's current predictions on the panel. */
async function expectedIndexRows(weights: Record<string, number>, customers: string[]): Promise<Row[]> {
  const all = await currentPredictions(world.owner, fx.panelId);
  const sd = new Map<string, number>();
  for (const code of TRAIT_CODES) {
    const v = all.filter((p) => p.code === code).map((p) => p.value);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    sd.set(code, Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length));
  }
  const codes = Object.keys(weights).filter((c) => weights[c] !== 0);
  const absW = codes.reduce((s, c) => s + Math.abs(weights[c]!), 0);
  const rows: Row[] = [];
  for (const animalId of new Set(all.filter((p) => customers.includes(p.customerId)).map((p) => p.animalId))) {
    const mine = all.filter((p) => p.animalId === animalId);
    if (!codes.every((c) => mine.some((p) => p.code === c))) continue;
    let value = 0;
    let rel = 0;
    for (const c of codes) {
      const p = mine.find((x) => x.code === c)!;
      const sign = fx.traits[c as keyof typeof fx.traits].higherIsBetter ? 1 : -1;
      value += (weights[c]! * sign * p.value) / sd.get(c)!;
      rel += Math.abs(weights[c]!) * p.reliability;
    }
    rows.push({ animalId, customerId: mine[0]!.customerId, value, reliability: rel / absW, pb: null, pc: null });
  }
  const pb = percentRanks(rows, (r) => byId.get(r.animalId)!.breed);
  const pc = percentRanks(rows, (r) => r.customerId);
  return rows.map((r) => ({ ...r, pb: pb.get(r.animalId)!, pc: pc.get(r.animalId)! }));
}

async function expectedTraitRows(code: string, customers: string[]): Promise<Row[]> {
  return (await currentPredictions(world.owner, fx.panelId))
    .filter((p) => p.code === code && customers.includes(p.customerId))
    .map((p) => ({
      animalId: p.animalId,
      customerId: p.customerId,
      value: p.value,
      reliability: p.reliability,
      pb: p.pb,
      pc: p.pc,
    }));
}

const best = (rows: Row[]) => [...rows].sort((a, b) => b.value - a.value || (a.animalId < b.animalId ? -1 : 1));

describe("gbv.ranking by trait", () => {
  it("answers the top N of the farm exactly as computed from the rows", async () => {
    const got = await userA.gbv.ranking({ trait: "milk_production", limit: 10 });
    const want = best(await expectedTraitRows("milk_production", [world.customerA]));
    expect(got.by).toMatchObject({ kind: "trait", code: "milk_production", higherIsBetter: true });
    expect(got.total).toBe(60);
    expect(got.rows.map((r) => r.animalId)).toEqual(want.slice(0, 10).map((r) => r.animalId));
    got.rows.forEach((r, i) => {
      const w = want[i]!;
      expect(r).toMatchObject({ rank: i + 1, customerId: world.customerA, value: w.value, reliability: w.reliability });
      expect(r.percentileBreed).toBe(w.pb);
      expect(r.percentileCustomer).toBe(w.pc);
      const a = byId.get(r.animalId)!;
      expect(r).toMatchObject({
        officialId: a.officialId,
        name: a.name,
        breed: a.breed,
        sex: a.sex,
        birthDate: a.birthDate,
      });
    });
  });

  it("applies the animal filters (breed, sex, status, birth dates, minimum reliability)", async () => {
    // A threshold inside the farm's range of reliabilities, so the filter both keeps and drops animals.
    const rels = (await expectedTraitRows("fertility", [world.customerA]))
      .map((r) => r.reliability)
      .sort((a, b) => a - b);
    const rel = rels[Math.floor(rels.length / 3)]!;
    const filters = {
      breed: "JE",
      sex: "female",
      status: "active",
      bornFrom: "2017-01-01",
      bornTo: "2022-12-31",
      minReliability: rel,
    } as const;
    const got = await userA.gbv.ranking({ trait: "fertility", limit: 500, ...filters });
    const want = best(await expectedTraitRows("fertility", [world.customerA])).filter((r) => {
      const a = byId.get(r.animalId)!;
      return (
        a.breed === "JE" &&
        a.sex === "female" &&
        a.status === "active" &&
        a.birthDate >= filters.bornFrom &&
        a.birthDate <= filters.bornTo &&
        r.reliability >= rel
      );
    });
    expect(want.length).toBeGreaterThan(0);
    expect(got.total).toBe(want.length);
    expect(got.rows.map((r) => r.animalId)).toEqual(want.map((r) => r.animalId));
    const top = rels.at(-1)!;
    const fewer = await userA.gbv.ranking({ trait: "fertility", limit: 500, ...filters, minReliability: top });
    expect(fewer.rows.every((r) => r.reliability >= top)).toBe(true);
  });

  it("sorts the top N by another column without changing which animals or their ranks", async () => {
    const top = await userA.gbv.ranking({ trait: "longevity", limit: 15 });
    const byRel = await userA.gbv.ranking({ trait: "longevity", limit: 15, sort: "reliability" });
    expect(byRel.rows.map((r) => r.animalId).sort()).toEqual(top.rows.map((r) => r.animalId).sort());
    const rels = byRel.rows.map((r) => r.reliability);
    expect(rels).toEqual([...rels].sort((a, b) => b - a));
    const asc = await userA.gbv.ranking({ trait: "longevity", limit: 15, sort: "officialId" });
    expect(asc.rows.map((r) => r.officialId)).toEqual(top.rows.map((r) => r.officialId).sort());
    for (const r of asc.rows) expect(r.rank).toBe(top.rows.find((t) => t.animalId === r.animalId)!.rank);
  });

  it("refuses bad input: both or neither of trait and index, N over 500, an unknown trait", async () => {
    await expect(userA.gbv.ranking({ limit: 10 } as never)).rejects.toThrow(/exactly one of trait/);
    await expect(userA.gbv.ranking({ trait: "fertility", indexId: defaultIndexId })).rejects.toThrow(/exactly one/);
    await expect(userA.gbv.ranking({ trait: "fertility", limit: 501 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(userA.gbv.ranking({ trait: "no_such_trait" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("gbv.ranking by selection index", () => {
  it("computes Σ weight × GBV / SD exactly as from the rows, with percentiles over the scope", async () => {
    const got = await userA.gbv.ranking({ indexId: defaultIndexId, limit: 500 });
    if (got.by.kind !== "index") throw new Error("expected an index ranking");
    const want = best(await expectedIndexRows(got.by.weights, [world.customerA]));
    expect(got.total).toBe(want.length);
    expect(got.rows.map((r) => r.animalId)).toEqual(want.map((r) => r.animalId));
    got.rows.forEach((r, i) => {
      expect(r.value).toBeCloseTo(want[i]!.value, 9);
      expect(r.reliability).toBeCloseTo(want[i]!.reliability, 9);
      expect(r.percentileBreed).toBeCloseTo(want[i]!.pb!, 9);
      expect(r.percentileCustomer).toBeCloseTo(want[i]!.pc!, 9);
    });
  });
});

describe("gbv.ranking tenancy (must-show 4) and cache", () => {
  it("a customer user ranks only their farm; another farm's id is NOT_FOUND", async () => {
    const got = await userA.gbv.ranking({ trait: "milk_production", limit: 500 });
    expect(got.total).toBe(herdA.length);
    expect(new Set(got.rows.map((r) => r.customerId))).toEqual(new Set([world.customerA]));
    await expect(userA.gbv.ranking({ trait: "milk_production", customerId: world.customerB })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const userB = (await callerFor(world, world.usersB.customer_admin.email)).caller;
    const b = await userB.gbv.ranking({ indexId: defaultIndexId, limit: 500 });
    expect(b.rows.every((r) => r.customerId === world.customerB)).toBe(true);
    expect(b.rows.some((r) => herdA.some((a) => a.id === r.animalId))).toBe(false);
  });

  it("a researcher ranks only consenting customers' animals", async () => {
    const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
    const got = await researcher.gbv.ranking({ trait: "milk_production", limit: 500 });
    expect(got.rows.some((r) => r.customerId === world.customerA || r.customerId === world.customerB)).toBe(false);
    expect(got.rows.filter((r) => r.customerId === world.consenting)).toHaveLength(herdC.length);
    await expect(
      researcher.gbv.ranking({ trait: "milk_production", customerId: world.customerA }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("a staff member ranks across their customers (and only theirs)", async () => {
    const vet = world.usersA.veterinarian;
    await world.owner.query(`INSERT INTO customer_assignments (user_id, customer_id) VALUES ($1, $2)`, [
      vet.id,
      world.customerB,
    ]);
    const staff = (await callerFor(world, vet.email)).caller;
    const got = await staff.gbv.ranking({ trait: "disease_resistance", limit: 500 });
    const want = best(await expectedTraitRows("disease_resistance", [world.customerA, world.customerB]));
    expect(got.total).toBe(herdA.length + herdB.length);
    expect(got.rows.map((r) => r.animalId)).toEqual(want.map((r) => r.animalId));
  });

  it("a newly published model's predictions show in the cached ranking at once", async () => {
    const before = await userA.gbv.ranking({ trait: "milk_production", limit: 5 });
    expect(await userA.gbv.ranking({ trait: "milk_production", limit: 5 })).toEqual(before);
    // A new version of the milk model is published: the real gbv-score job rescores every animal of the
    // panel and invalidates the GBV reads it changed.
    await rescore(world, fx, "milk_production", 4242);
    const after = await userA.gbv.ranking({ trait: "milk_production", limit: 5 });
    const want = best(await expectedTraitRows("milk_production", [world.customerA]));
    expect(after.rows.map((r) => [r.animalId, r.value])).toEqual(want.slice(0, 5).map((r) => [r.animalId, r.value]));
    expect(after.rows.map((r) => r.value)).not.toEqual(before.rows.map((r) => r.value));
    // History is kept; the ranking reads the current rows only.
    expect(after.total).toBe(herdA.length);
  });
});

describe("over HTTP", () => {
  it("serves GET /api/v1/gbv/ranking and the CSV export with the same rows; another farm is 404", async () => {
    const t = await startTestApp(env);
    try {
      const cookie = await sessionCookieFor(world, world.usersA.customer_user.email);
      const rest = await t.app.inject({
        method: "GET",
        url: `/api/v1/gbv/ranking?trait=fertility&limit=7`,
        headers: { cookie },
      });
      expect(rest.statusCode).toBe(200);
      const json = rest.json() as { rows: { animalId: string; officialId: string; value: number }[] };
      const direct = await userA.gbv.ranking({ trait: "fertility", limit: 7 });
      expect(json.rows.map((r) => r.animalId)).toEqual(direct.rows.map((r) => r.animalId));

      const csv = await t.app.inject({
        method: "GET",
        url: `/api/v1/gbv/ranking/export?trait=fertility&limit=7`,
        headers: { cookie },
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers["content-type"]).toMatch(/text\/csv/);
      expect(csv.headers["content-disposition"]).toMatch(/attachment; filename="ranking-fertility-/);
      const lines = csv.body.trim().split("\r\n");
      expect(lines[0]).toBe(
        "rank,officialId,name,herdTag,breed,sex,birthDate,status,value,reliability,percentileBreed,percentileCustomer,customerId,animalId",
      );
      expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(direct.rows.map((r) => r.officialId));
      expect(lines.slice(1).map((l) => Number(l.split(",")[8]))).toEqual(direct.rows.map((r) => r.value));

      // The SDK saves the same CSV to a file (API token of the farm).
      const admin = (await callerFor(world, world.usersA.customer_admin.email)).caller;
      const { token } = await admin.apiTokens.create({
        customerId: world.customerA,
        name: "csv",
        permissions: ["gbv.read"],
      });
      const url = await t.app.listen({ host: "127.0.0.1", port: 0 });
      const file = path.join(dataDir, "ranking.csv");
      const saved = await downloadRankingCsv({ url, token, ranking: { trait: "fertility", limit: 7 }, path: file });
      expect(saved.fileName).toMatch(/^ranking-fertility-.*\.csv$/);
      expect(
        (await readFile(file, "utf8"))
          .trim()
          .split("\r\n")
          .slice(1)
          .map((l) => l.split(",")[1]),
      ).toEqual(direct.rows.map((r) => r.officialId));

      const other = await t.app.inject({
        method: "GET",
        url: `/api/v1/gbv/ranking/export?trait=fertility&customerId=${world.customerB}`,
        headers: { cookie },
      });
      expect(other.statusCode).toBe(404);
      const anonymous = await t.app.inject({ method: "GET", url: `/api/v1/gbv/ranking/export?trait=fertility` });
      expect(anonymous.statusCode).toBe(401);
      const bad = await t.app.inject({
        method: "GET",
        url: `/api/v1/gbv/ranking/export?trait=fertility&limit=9999`,
        headers: { cookie },
      });
      expect(bad.statusCode).toBe(400);
    } finally {
      await t.close();
    }
  });
});

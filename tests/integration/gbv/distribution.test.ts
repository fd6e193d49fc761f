// gbv.distribution: per-breed histogram (bins over the scope's range) and summary statistics computed
// in SQL, compared with the same numbers computed here from the prediction rows; tenancy (must-show
// 4): a customer user's distribution counts only their farm, a researcher's only consenting farms;
// the cache follows a new prediction.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { currentPredictions, rescore, scoredHerd, startScoring, type ScoredHerd } from "./predictions-support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let fx: ScoredHerd;
let userA: Api;
const breedOf = new Map<string, string>();

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-distribution-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-dist-${randomUUID().slice(0, 8)}:` });
  await startScoring(world);
  fx = await scoredHerd(world, {
    customers: [world.customerA, world.customerB, world.consenting],
    counts: [75, 50, 20],
    seed: 21,
  });
  for (const a of fx.animals) breedOf.set(a.id, a.breed);
  userA = (await callerFor(world, world.usersA.customer_user.email)).caller;
}, 180_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

/** Linear interpolation between order statistics (percentile_cont, R type 7). */
function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

async function expected(code: string, customers: string[], bins: number) {
  const values = (await currentPredictions(world.owner, fx.panelId)).filter(
    (p) => p.code === code && customers.includes(p.customerId),
  );
  const lo = Math.min(...values.map((v) => v.value));
  const hi = Math.max(...values.map((v) => v.value));
  const breeds = [...new Set(values.map((v) => breedOf.get(v.animalId)!))].sort();
  return {
    range: { min: lo, max: hi },
    breeds: breeds.map((breed) => {
      const x = values
        .filter((v) => breedOf.get(v.animalId) === breed)
        .map((v) => v.value)
        .sort((a, b) => a - b);
      const mean = x.reduce((s, v) => s + v, 0) / x.length;
      const counts = new Array<number>(bins).fill(0);
      for (const v of x) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
      return {
        breed,
        n: x.length,
        mean,
        sd: Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1)),
        min: x[0]!,
        q1: quantile(x, 0.25),
        median: quantile(x, 0.5),
        q3: quantile(x, 0.75),
        max: x[x.length - 1]!,
        counts,
      };
    }),
  };
}

function expectClose(got: Awaited<ReturnType<Api["gbv"]["distribution"]>>, want: Awaited<ReturnType<typeof expected>>) {
  expect(got.range).toEqual(want.range);
  expect(got.breeds.map((b) => b.breed)).toEqual(want.breeds.map((b) => b.breed));
  got.breeds.forEach((b, i) => {
    const w = want.breeds[i]!;
    expect(b.n).toBe(w.n);
    for (const k of ["mean", "sd", "min", "q1", "median", "q3", "max"] as const) expect(b[k]).toBeCloseTo(w[k], 9);
    expect(b.histogram.map((h) => h.count)).toEqual(w.counts);
    expect(b.histogram.reduce((s, h) => s + h.count, 0)).toBe(w.n);
    expect(b.histogram[0]!.from).toBe(want.range.min);
    expect(b.histogram.at(-1)!.to).toBe(want.range.max);
  });
}

describe("gbv.distribution", () => {
  it("gives each breed's histogram and statistics of the farm exactly as computed from the rows", async () => {
    const got = await userA.gbv.distribution({ trait: "milk_production", bins: 12 });
    expect(got.trait).toMatchObject({ code: "milk_production", unit: "kg milk" });
    expect(got.bins).toBe(12);
    expect(got.breeds.length).toBe(3);
    expectClose(got, await expected("milk_production", [world.customerA], 12));
  });

  it("filters one breed while keeping the scope's bin edges", async () => {
    const all = await userA.gbv.distribution({ trait: "longevity", bins: 8 });
    const je = await userA.gbv.distribution({ trait: "longevity", bins: 8, breed: "je" });
    expect(je.breeds.map((b) => b.breed)).toEqual(["JE"]);
    expect(je.range).toEqual(all.range);
    const jeInAll = all.breeds.find((b) => b.breed === "JE")!;
    expect(je.breeds[0]!.histogram).toEqual(jeInAll.histogram);
    // Same numbers, up to the summation order a different plan may take.
    for (const k of ["n", "mean", "sd", "min", "q1", "median", "q3", "max"] as const)
      expect(je.breeds[0]![k]).toBeCloseTo(jeInAll[k]!, 9);
  });

  it("refuses bad input", async () => {
    await expect(userA.gbv.distribution({ trait: "fertility", bins: 1 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(userA.gbv.distribution({ trait: "fertility", breed: "QQ9" })).rejects.toThrow(/Unknown breed/);
    await expect(userA.gbv.distribution({ trait: "nothing_here" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("counts only the caller's farm (customer user) or consenting farms (researcher) — must-show 4", async () => {
    const b = (await callerFor(world, world.usersB.customer_user.email)).caller;
    expectClose(
      await b.gbv.distribution({ trait: "fertility", bins: 10 }),
      await expected("fertility", [world.customerB], 10),
    );
    await expect(userA.gbv.distribution({ trait: "fertility", customerId: world.customerB })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
    expectClose(
      await researcher.gbv.distribution({ trait: "fertility", bins: 10, customerId: world.consenting }),
      await expected("fertility", [world.consenting], 10),
    );
    for (const customerId of [world.customerA, world.customerB])
      await expect(researcher.gbv.distribution({ trait: "fertility", customerId })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    // Without a customer: every consenting farm (other test files may add some), never A or B.
    const all = await researcher.gbv.distribution({ trait: "fertility", bins: 10 });
    const n = all.breeds.reduce((s, x) => s + x.n, 0);
    expect(n).toBeGreaterThanOrEqual(20);
    const { rows } = await world.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM gbv_predictions p JOIN gbv_traits t ON t.id = p.trait_id
        WHERE p.is_current AND t.code = 'fertility' AND p.customer_id = ANY($1)`,
      [[world.customerA, world.customerB]],
    );
    expect(rows[0]!.n).toBe(125);
    const { rows: everyone } = await world.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM gbv_predictions p JOIN gbv_traits t ON t.id = p.trait_id
        WHERE p.is_current AND t.code = 'fertility'`,
    );
    // A's and B's 125 predictions are not among what the researcher counted.
    expect(n).toBeLessThanOrEqual(everyone[0]!.n - 125);
  });

  it("follows a newly published model despite the cache", async () => {
    const before = await userA.gbv.distribution({ trait: "disease_resistance", bins: 5 });
    expect(await userA.gbv.distribution({ trait: "disease_resistance", bins: 5 })).toEqual(before);
    await rescore(world, fx, "disease_resistance", 5151);
    const after = await userA.gbv.distribution({ trait: "disease_resistance", bins: 5 });
    expect(after.range).not.toEqual(before.range);
    expectClose(after, await expected("disease_resistance", [world.customerA], 5));
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { keys, type CacheRuntime } from "../src";
import { runtimes } from "./runtimes";

describe.each(runtimes)("cache (%s)", (_name, make) => {
  let rt: CacheRuntime;
  afterEach(async () => rt?.close(1000));

  it("loads once, then serves from cache until the namespace is invalidated", async () => {
    rt = make();
    let loads = 0;
    const ns = keys.tenant("cust-a", "animals", "list");
    const load = async () => ({ n: ++loads, at: new Date(0) });
    expect(await rt.cache.getOrLoad(ns, "page1", 60, load)).toEqual({ n: 1, at: new Date(0) });
    expect(await rt.cache.getOrLoad(ns, "page1", 60, load)).toEqual({ n: 1, at: new Date(0) });
    await rt.cache.invalidate(ns);
    expect(await rt.cache.getOrLoad(ns, "page1", 60, load)).toEqual({ n: 2, at: new Date(0) });
  });

  it("keeps tenants apart: invalidating one customer's namespace leaves another's", async () => {
    rt = make();
    const a = keys.tenant("cust-a", "animals");
    const b = keys.tenant("cust-b", "animals");
    await rt.cache.getOrLoad(a, "k", 60, async () => "A1");
    await rt.cache.getOrLoad(b, "k", 60, async () => "B1");
    await rt.cache.invalidate(a);
    expect(await rt.cache.getOrLoad(a, "k", 60, async () => "A2")).toBe("A2");
    expect(await rt.cache.getOrLoad(b, "k", 60, async () => "B2")).toBe("B1");
  });

  it("shares one load among concurrent misses of a key; waiters of a failed one load for themselves", async () => {
    rt = make();
    const ns = keys.tenant("cust-a", "gbv", "ranking");
    let loads = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      loads++;
      await gate;
      return { rows: [1, 2, 3] };
    };
    const waiting = Array.from({ length: 50 }, () => rt.cache.getOrLoad(ns, "top50", 60, slow));
    const other = rt.cache.getOrLoad(ns, "top10", 60, async () => ({ rows: [9] }));
    await new Promise((r) => setTimeout(r, 50));
    release();
    const values = await Promise.all(waiting);
    expect(loads).toBe(1);
    expect(values.every((v) => v.rows.join() === "1,2,3")).toBe(true);
    // Each caller its own object, as from a cache hit.
    expect(new Set(values).size).toBe(values.length);
    expect(await other).toEqual({ rows: [9] });

    // The shared load failing for its own caller (its transaction timed out, say) does not fail the
    // waiters: each loads for itself. Nothing failed is kept.
    let gateFail: () => void = () => {};
    const failGate = new Promise<void>((resolve) => (gateFail = resolve));
    const leader = rt.cache.getOrLoad(ns, "bad", 60, async () => {
      await failGate;
      throw new Error("transaction timed out");
    });
    let ownLoads = 0;
    const waiters = Array.from({ length: 4 }, () => rt.cache.getOrLoad(ns, "bad", 60, async () => `own ${++ownLoads}`));
    await new Promise((r) => setTimeout(r, 50));
    gateFail();
    await expect(leader).rejects.toThrow("transaction timed out");
    expect((await Promise.all(waiters)).every((v) => v.startsWith("own "))).toBe(true);
    expect(ownLoads).toBe(4);
    expect(await rt.cache.getOrLoad(ns, "bad", 60, async () => "not called")).toMatch(/^own /);
  });

  it("expires entries after their TTL", async () => {
    rt = make();
    await rt.cache.set("short", "v", 1);
    expect(await rt.cache.get("short")).toBe("v");
    await new Promise((r) => setTimeout(r, 1100));
    expect(await rt.cache.get("short")).toBeUndefined();
  });

  it("deletes keys explicitly", async () => {
    rt = make();
    await rt.cache.set("x", 1, 60);
    await rt.cache.del("x");
    expect(await rt.cache.get("x")).toBeUndefined();
  });
});

describe("keys", () => {
  it("refuses parts that could smuggle another tenant's prefix", () => {
    expect(() => keys.tenant("a b", "animals")).toThrow(/Unsafe/);
    expect(() => keys.tenant("a", "animals", "x*")).toThrow(/Unsafe/);
    expect(keys.tenant("c1", "animals", "list", 2)).toBe("t:c1:animals:list:2");
  });
});

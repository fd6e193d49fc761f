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

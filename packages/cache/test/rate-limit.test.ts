import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { keys, type CacheRuntime } from "../src";
import { runtimes } from "./runtimes";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(runtimes)("rate limiter (%s)", (_name, make) => {
  let rt: CacheRuntime;
  afterEach(async () => rt?.close(1000));
  const key = () => keys.global("test", "rl", randomUUID());

  it("counts hits and limits the one past the limit, with the time left in the window", async () => {
    rt = make();
    const k = key();
    for (let i = 1; i <= 3; i++) expect(await rt.rateLimiter.hit(k, 3, 60)).toMatchObject({ count: i, limited: false });
    const fourth = await rt.rateLimiter.hit(k, 3, 60);
    expect(fourth).toMatchObject({ count: 4, limited: true });
    expect(fourth.retryAfterSeconds).toBeGreaterThan(55);
    expect(fourth.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("peeks without counting, and reports nothing for an unknown key", async () => {
    rt = make();
    const k = key();
    expect(await rt.rateLimiter.peek(k)).toEqual({ count: 0, retryAfterSeconds: 0 });
    await rt.rateLimiter.hit(k, 5, 30);
    await rt.rateLimiter.hit(k, 5, 30);
    const state = await rt.rateLimiter.peek(k);
    expect(state.count).toBe(2);
    expect(state.retryAfterSeconds).toBeGreaterThan(25);
    expect((await rt.rateLimiter.peek(k)).count).toBe(2);
  });

  it("starts again from zero when the window passes; later hits never extend it", async () => {
    rt = make();
    const k = key();
    await rt.rateLimiter.hit(k, 1, 1);
    await sleep(600);
    expect(await rt.rateLimiter.hit(k, 1, 1)).toMatchObject({ count: 2, limited: true });
    await sleep(600);
    expect(await rt.rateLimiter.peek(k)).toEqual({ count: 0, retryAfterSeconds: 0 });
    expect(await rt.rateLimiter.hit(k, 1, 1)).toMatchObject({ count: 1, limited: false });
  });

  it("resets a key and keeps keys apart", async () => {
    rt = make();
    const a = key();
    const b = key();
    await rt.rateLimiter.hit(a, 1, 60);
    await rt.rateLimiter.hit(a, 1, 60);
    await rt.rateLimiter.hit(b, 1, 60);
    await rt.rateLimiter.reset(a);
    expect((await rt.rateLimiter.peek(a)).count).toBe(0);
    expect((await rt.rateLimiter.peek(b)).count).toBe(1);
  });

  it("counts concurrent hits exactly once each", async () => {
    rt = make();
    const k = key();
    const results = await Promise.all(Array.from({ length: 50 }, () => rt.rateLimiter.hit(k, 10, 60)));
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results.filter((r) => r.limited)).toHaveLength(40);
  });

  it("refuses nonsense limits and windows", async () => {
    rt = make();
    await expect(rt.rateLimiter.hit(key(), -1, 60)).rejects.toThrow(RangeError);
    await expect(rt.rateLimiter.hit(key(), 1, 0)).rejects.toThrow(RangeError);
    await expect(rt.rateLimiter.hit(key(), 1, 1.5)).rejects.toThrow(RangeError);
  });
});

describe("rate limiter on Redis", () => {
  it("keeps its counters under the configured prefix, with an expiry", async () => {
    const [, make] = runtimes[0]!;
    const rt = make();
    try {
      const k = keys.global("test", "rl", randomUUID());
      await rt.rateLimiter.hit(k, 1, 60);
      const { Redis } = await import("ioredis");
      const { redisUrl } = await import("./runtimes");
      const probe = new Redis(redisUrl);
      try {
        const found = await probe.keys(`test:*:rl:${k}`);
        expect(found).toHaveLength(1);
        const ttl = await probe.ttl(found[0]!);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60);
      } finally {
        await probe.quit();
      }
    } finally {
      await rt.close(1000);
    }
  });
});

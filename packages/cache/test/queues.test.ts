import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createCacheRuntime, defineQueue, type CacheRuntime } from "../src";
import { redisUrl, runtimes } from "./runtimes";

describe.each(runtimes)("queues (%s)", (_name, make) => {
  let rt: CacheRuntime;
  afterEach(async () => rt?.close(2000));

  it("runs jobs, retries failures with backoff and dedupes by job id", async () => {
    rt = make();
    const q = defineQueue<{ n: number }>("contract-test", { attempts: 3, backoffMs: 20 });
    const seen: string[] = [];
    rt.queues.process(
      q,
      async (payload, job) => {
        seen.push(`${payload.n}#${job.attempt}`);
        if (payload.n === 2 && job.attempt < 2) throw new Error("transient");
      },
      { concurrency: 2 },
    );
    await rt.queues.add(q, { n: 1 }, { jobId: "job-1" });
    await rt.queues.add(q, { n: 1 }, { jobId: "job-1" });
    await rt.queues.add(q, { n: 2 }, { jobId: "job-2" });
    await waitFor(async () => (await rt.queues.counts(q)).completed === 2);
    expect(seen.sort()).toEqual(["1#1", "2#1", "2#2"]);
  });

  it("marks a job failed after its last attempt", async () => {
    rt = make();
    const q = defineQueue<object>("contract-fail", { attempts: 2, backoffMs: 10 });
    let tries = 0;
    rt.queues.process(
      q,
      async () => {
        tries++;
        throw new Error("permanent");
      },
      { concurrency: 1 },
    );
    await rt.queues.add(q, {});
    await waitFor(async () => (await rt.queues.counts(q)).failed === 1);
    expect(tries).toBe(2);
  });

  it("tells a job's state by its id, and null for an id it does not hold", async () => {
    rt = make();
    const q = defineQueue<{ outcome: "ok" | "fail" | "hold" }>("contract-state", { attempts: 1 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    rt.queues.process(
      q,
      async ({ outcome }) => {
        if (outcome === "fail") throw new Error("permanent");
        if (outcome === "hold") await held;
      },
      { concurrency: 3 },
    );
    await rt.queues.add(q, { outcome: "ok" }, { jobId: "done" });
    await rt.queues.add(q, { outcome: "fail" }, { jobId: "broken" });
    await rt.queues.add(q, { outcome: "hold" }, { jobId: "busy" });
    await waitFor(async () => (await rt.queues.state(q, "busy")) === "active");
    await waitFor(async () => (await rt.queues.state(q, "broken")) === "failed");
    await waitFor(async () => (await rt.queues.state(q, "done")) === "completed");
    expect(await rt.queues.state(q, "never-added")).toBeNull();
    release();
    await waitFor(async () => (await rt.queues.state(q, "busy")) === "completed");
  });
});

async function waitFor(cond: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("queues (redis) close", () => {
  it("quits every Redis connection it opened, the workers' included", async () => {
    const name = `close-test-${randomUUID().slice(0, 8)}`;
    const rt = createCacheRuntime({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${randomUUID()}:` }, name);
    const probe = new Redis(redisUrl);
    try {
      const ours = async () =>
        ((await probe.client("LIST")) as string).split("\n").filter((line) => line.includes(` name=${name}:`));
      rt.queues.process(defineQueue<object>("close-a", {}), async () => {}, { concurrency: 1 });
      rt.queues.process(defineQueue<object>("close-b", {}), async () => {}, { concurrency: 1 });
      await rt.queues.add(defineQueue<object>("close-a", {}), {});
      await waitFor(async () => (await ours()).some((l) => l.includes(`name=${name}:worker:close-b`)));
      await rt.close(2000);
      await waitFor(async () => (await ours()).length === 0);
      expect(await ours()).toEqual([]);
    } finally {
      probe.disconnect();
    }
  });
});

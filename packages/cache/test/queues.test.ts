import { afterEach, describe, expect, it } from "vitest";
import { defineQueue, type CacheRuntime } from "../src";
import { runtimes } from "./runtimes";

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
});

async function waitFor(cond: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

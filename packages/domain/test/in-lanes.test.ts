// inLanes (gbv/in-lanes.ts): never more calls at once than lanes, results in item order, and on a
// failure nothing more is started and the running calls finish before the error is thrown.
import { describe, expect, it } from "vitest";
import { inLanes } from "../src/gbv/in-lanes";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("inLanes", () => {
  it("runs at most `lanes` calls at once and answers in item order", async () => {
    let running = 0;
    let most = 0;
    const out = await inLanes([30, 5, 20, 1, 10], 2, async (ms) => {
      most = Math.max(most, ++running);
      await tick(ms);
      running--;
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 2, 20]);
    expect(most).toBe(2);
  });

  it("starts nothing more after a failure, lets the running calls settle, then throws the first failure", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = inLanes([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await tick(n === 2 ? 1 : 20);
      if (n === 2) throw new Error(`item ${n} failed`);
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow("item 2 failed");
    // Item 1 was running when item 2 failed: it finished. Items 3 and 4 were never started.
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([1]);
  });

  it("answers an empty list at once and refuses a lane count below one", async () => {
    await expect(inLanes([], 2, async () => 1)).resolves.toEqual([]);
    await expect(inLanes([1], 0, async () => 1)).rejects.toThrow("lanes 0");
  });
});

// inLanes (gbv/in-lanes.ts): never more calls at once than lanes, results in item order, and on a
// failure every other call still finishes before the first error is thrown.
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

  it("lets every call settle, then throws the first item's error", async () => {
    const finished: number[] = [];
    const run = inLanes([1, 2, 3, 4], 2, async (n) => {
      await tick(n === 2 ? 1 : 15);
      if (n === 2 || n === 3) throw new Error(`item ${n} failed`);
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow("item 2 failed");
    expect(finished.sort()).toEqual([1, 4]);
  });

  it("answers an empty list at once and refuses a lane count below one", async () => {
    await expect(inLanes([], 2, async () => 1)).resolves.toEqual([]);
    await expect(inLanes([1], 0, async () => 1)).rejects.toThrow("lanes 0");
  });
});

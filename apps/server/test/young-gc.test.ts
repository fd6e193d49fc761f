import { describe, expect, it } from "vitest";
import { youngCollector } from "../src/young-gc";

describe("youngCollector", () => {
  it("collects once each time another `everyBytes` have gone by, over chunks of any size", () => {
    const calls: unknown[] = [];
    const received = youngCollector((options) => calls.push(options), 1000);
    received(999);
    expect(calls).toEqual([]);
    received(1); // exactly 1000
    expect(calls).toEqual([{ type: "minor" }]);
    for (let i = 0; i < 30; i++) received(64); // 1,920 more: one more collection, 920 towards the next
    expect(calls).toHaveLength(2);
    received(80);
    expect(calls).toHaveLength(3);
    received(5000); // a chunk larger than the interval: one collection, the count starts again
    expect(calls).toHaveLength(4);
  });

  it("does nothing without a collector (gc not exposed, as under pnpm dev)", () => {
    const received = youngCollector(undefined, 1);
    expect(() => received(10)).not.toThrow();
  });
});

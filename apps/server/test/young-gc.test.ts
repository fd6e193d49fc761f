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
    for (let i = 0; i < 30; i++) received(64); // the 16th chunk reaches 1,024: a collection, and the count starts again
    expect(calls).toHaveLength(2);
    received(103); // 14 × 64 + 103 = 999
    expect(calls).toHaveLength(2);
    received(1);
    expect(calls).toHaveLength(3);
    received(5000); // a chunk larger than the interval: one collection, the count starts again
    expect(calls).toHaveLength(4);
  });

  it("does nothing without a collector (gc not exposed, as under pnpm dev)", () => {
    const received = youngCollector(undefined, 1);
    expect(() => received(10)).not.toThrow();
  });
});

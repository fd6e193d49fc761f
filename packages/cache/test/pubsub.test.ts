import { afterEach, describe, expect, it } from "vitest";
import type { CacheRuntime } from "../src";
import { runtimes } from "./runtimes";

describe.each(runtimes)("pub/sub (%s)", (_name, make) => {
  let rt: CacheRuntime;
  afterEach(async () => rt?.close(1000));

  it("delivers to subscribers of the channel only, until they unsubscribe", async () => {
    rt = make();
    const got: unknown[] = [];
    const other: unknown[] = [];
    const off = await rt.pubsub.subscribe("t:c1:progress", (m) => got.push(m));
    await rt.pubsub.subscribe("t:c2:progress", (m) => other.push(m));
    await rt.pubsub.publish("t:c1:progress", { done: 1, at: new Date(5) });
    await waitFor(() => got.length === 1);
    expect(got).toEqual([{ done: 1, at: new Date(5) }]);
    await off();
    await rt.pubsub.publish("t:c1:progress", { done: 2 });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(1);
    expect(other).toHaveLength(0);
  });
});

async function waitFor(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

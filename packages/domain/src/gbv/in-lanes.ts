// A few async calls at a time over a list (the gbv-score job's loads, two side by side). Hand-written:
// ten lines, and unlike p-limit's Promise.all it lets every call settle before the first failure is
// thrown, so no transaction is still running behind a failed job when BullMQ retries it.

/** f over the items, at most `lanes` at a time; the results in item order. */
export async function inLanes<T, R>(items: readonly T[], lanes: number, f: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`lanes ${lanes}`);
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await f(items[k]!).then(
        (value) => ({ status: "fulfilled", value }) as const,
        (reason: unknown) => ({ status: "rejected", reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

// A few async calls at a time over a list (the gbv-score job's loads, two side by side). Hand-written:
// a dozen lines, and unlike p-limit over Promise.all it starts nothing more once a call has failed
// and lets the running ones settle before throwing, so no transaction is left running behind a
// failed job when BullMQ retries it, and the retry has as little done twice as possible.

/** f over the items, at most `lanes` at a time; the results in item order. */
export async function inLanes<T, R>(items: readonly T[], lanes: number, f: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`lanes ${lanes}`);
  const results: R[] = [];
  let failure: { reason: unknown } | undefined;
  let next = 0;
  const lane = async () => {
    while (next < items.length && !failure) {
      const k = next++;
      try {
        results[k] = await f(items[k]!);
      } catch (reason) {
        failure ??= { reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  if (failure) throw failure.reason;
  return results;
}

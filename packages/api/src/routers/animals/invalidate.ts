import type { Cache } from "@reprotech/cache";
import type { Logger } from "@reprotech/core";
import { animals } from "@reprotech/domain";

/** How long after a write its namespaces are invalidated a second time (see below). */
export const REINVALIDATE_AFTER_MS = 1000;

/**
 * Invalidates customers' animal caches for a write that commits when the procedure returns.
 * The first invalidation runs now, inside the transaction, so the writer's next read (after the
 * commit) misses. A concurrent reader could still load the pre-commit state between this
 * invalidation and the commit and cache it under the new version; the second invalidation, once the
 * commit has landed, bounds that window to REINVALIDATE_AFTER_MS instead of the TTL. (A precise fix
 * is an after-commit hook in tenantProcedure.)
 */
export async function invalidateAfterCommit(
  cache: Cache,
  log: Logger,
  customerIds: readonly string[],
  extra: (cache: Cache) => Promise<void> = async () => {},
) {
  const run = async () => {
    for (const id of customerIds) await animals.invalidateAnimals(cache, id);
    await extra(cache);
  };
  await run();
  setTimeout(() => {
    run().catch((err: unknown) => log.warn({ err }, "deferred cache invalidation failed"));
  }, REINVALIDATE_AFTER_MS).unref();
}

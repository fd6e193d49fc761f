import type { Cache } from "@reprotech/cache";
import { animals } from "@reprotech/domain";

/**
 * Invalidates customers' animal caches once the write commits (tenantProcedure's after-commit hook):
 * a reader that loaded the old rows before the commit cached them under the old namespace version,
 * which the invalidation then orphans; a reader after it loads the committed rows.
 */
export function invalidateAfterCommit(
  ctx: { runtime: { cache: Cache }; afterCommit: (fn: () => Promise<void>) => void },
  customerIds: readonly string[],
  extra: (cache: Cache) => Promise<void> = async () => {},
): void {
  ctx.afterCommit(async () => {
    for (const id of customerIds) await animals.invalidateAnimals(ctx.runtime.cache, id);
    await extra(ctx.runtime.cache);
  });
}

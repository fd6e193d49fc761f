// gbv.ranking and gbv.distribution (gbv.read): SQL over the current predictions of the call's scope
// (packages/domain/src/gbv/ranking.ts, distribution.ts). A customer user's scope is their farm; a
// staff member without customerId gets every customer they reach; researchers the consenting ones.
// Cached through gbv/cache.ts: one customer's reads in its tenant namespace, reads across several
// customers under the customer set — both made stale by invalidateGbv with the rest of GBV reads.
import type { Cache } from "@reprotech/cache";
import { gbv } from "@reprotech/domain";
import { tenantProcedure } from "../../trpc";

const tags = ["gbv"];

/** Runs `load` for the scope, cached per customer or per customer set. */
function cachedForScope<T>(
  cache: Cache,
  scope: readonly string[] | "all",
  kind: string,
  params: Record<string, unknown>,
  load: (customerIds: readonly string[] | "all") => Promise<T>,
): Promise<T> {
  if (scope !== "all" && scope.length === 1) {
    const [only] = scope as [string];
    return gbv.cachedGbv(cache, only, kind, params, () => load([only]));
  }
  return gbv.cachedGbvAcross(cache, scope === "all" ? ["*"] : scope, kind, params, () => load(scope));
}

export const rankingProcedures = {
  ranking: tenantProcedure("gbv.read")
    .meta({ openapi: { method: "GET", path: "/gbv/ranking", tags, summary: "Top animals by a trait or an index" } })
    .input(gbv.rankingInput)
    .output(gbv.rankingSchema)
    .query(({ ctx, input }) =>
      cachedForScope(ctx.runtime.cache, ctx.customerIds, "ranking", input, (scope) =>
        gbv.ranking(ctx.db, scope, input),
      ),
    ),

  distribution: tenantProcedure("gbv.read")
    .meta({
      openapi: { method: "GET", path: "/gbv/distribution", tags, summary: "Histogram and statistics per breed" },
    })
    .input(gbv.distributionInput)
    .output(gbv.distributionSchema)
    .query(({ ctx, input }) =>
      cachedForScope(ctx.runtime.cache, ctx.customerIds, "distribution", input, (scope) =>
        gbv.distribution(ctx.db, scope, input),
      ),
    ),
};

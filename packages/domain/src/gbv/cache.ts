// Cache-aside for GBV reads. A customer's GBV reads (an animal's GBVs, its rankings, distributions)
// live in ONE tenant namespace, `t:<customerId>:gbv`, invalidated when that customer's predictions
// change (a new genotype scored). A newly published model (or a retired one) changes predictions and
// within-breed percentiles of EVERY customer, so there is also one global epoch mixed into every key:
// invalidateGbv(cache, "all") replaces it, orphaning every GBV entry of every customer at once without
// hunting keys down. Reads spanning several customers (a staff member's ranking across farms) live in
// a global namespace keyed by the customer set, invalidated whenever any customer's GBVs change
// (coarse, but a finer rule would have to find every set containing the customer).
import { randomUUID } from "node:crypto";
import { keys, type Cache } from "@reprotech/cache";
import { readKey } from "../animals/cache";

/** Entries live an hour at most (the seed memoised GBVs for an hour); invalidation makes them stale sooner. */
export const GBV_TTL_SECONDS = 3600;
/** Longer than any entry, so an expired epoch can never bring old entries back. */
const EPOCH_TTL_SECONDS = 7 * 24 * 3600;

const EPOCH_KEY = keys.global("gbv", "epoch");
const ACROSS_NAMESPACE = keys.global("gbv", "across");

export const gbvNamespace = (customerId: string) => keys.tenant(customerId, "gbv");

async function epoch(cache: Cache): Promise<string> {
  return (await cache.get<string>(EPOCH_KEY)) ?? "0";
}

/**
 * Makes cached GBV reads stale: one customer's (a new genotype of theirs was scored) or everyone's
 * (a model was published or retired, or percentiles across customers moved). Call after COMMIT.
 */
export async function invalidateGbv(cache: Cache, scope: string | "all"): Promise<void> {
  if (scope === "all") await cache.set(EPOCH_KEY, randomUUID(), EPOCH_TTL_SECONDS);
  else await cache.invalidate(gbvNamespace(scope));
  await cache.invalidate(ACROSS_NAMESPACE);
}

/** A GBV read of one customer, cached under its namespace: `kind` names the read, `params` its parameters. */
export async function cachedGbv<T>(
  cache: Cache,
  customerId: string,
  kind: string,
  params: Record<string, unknown>,
  load: () => Promise<T>,
): Promise<T> {
  const key = `e${await epoch(cache)}:${readKey(kind, params)}`;
  return cache.getOrLoad(gbvNamespace(customerId), key, GBV_TTL_SECONDS, load);
}

/** A GBV read over several customers (the set is part of the key, sorted). */
export async function cachedGbvAcross<T>(
  cache: Cache,
  customerIds: readonly string[],
  kind: string,
  params: Record<string, unknown>,
  load: () => Promise<T>,
): Promise<T> {
  const key = `e${await epoch(cache)}:${readKey(kind, { ...params, customers: [...customerIds].sort() })}`;
  return cache.getOrLoad(ACROSS_NAMESPACE, key, GBV_TTL_SECONDS, load);
}

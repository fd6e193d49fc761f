// Cache-aside for animal reads. Everything cached about a customer's animals (lists, details,
// pedigrees, descendants) lives in ONE tenant namespace, `t:<customerId>:animals`, and any write to
// that customer's animals invalidates the whole namespace: a change to one animal alters lists, its
// own detail and the pedigrees, descendants and inbreeding of its relatives, so anything finer would
// have to trace relatives and is easy to get wrong. Changes to a catalogue bull invalidate the
// namespace of every customer with an animal sired by it (see bulls/service.ts).
// Reads across several customers (staff searches) are not cached: their key would be a customer
// set, and a write to any one customer would have to find every set containing it.
import { createHash } from "node:crypto";
import { keys, type Cache } from "@reprotech/cache";

export const ANIMALS_TTL_SECONDS = 300;

export const animalsNamespace = (customerId: string) => keys.tenant(customerId, "animals");

/** Call after every write to a customer's animals (create, update, status, import). */
export const invalidateAnimals = (cache: Cache, customerId: string) => cache.invalidate(animalsNamespace(customerId));

/** A stable cache key for a read's parameters. */
export function readKey(kind: string, params: Record<string, unknown>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((k) => [k, params[k]]);
  return `${kind}:${createHash("sha256").update(JSON.stringify(sorted)).digest("base64url").slice(0, 32)}`;
}

export function cachedAnimals<T>(cache: Cache, customerId: string, key: string, load: () => Promise<T>): Promise<T> {
  return cache.getOrLoad(animalsNamespace(customerId), key, ANIMALS_TTL_SECONDS, load);
}

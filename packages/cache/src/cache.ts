// Cache-aside with TTL and explicit invalidation. Reads are grouped into namespaces (say, one
// customer's animal lists); a write bumps the namespace's version, which orphans every key read
// under the old version at once, instead of hunting keys down with SCAN.
import superjson from "superjson";
import type { Redis } from "./redis";

export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Returns the cached value for `key` in `namespace`, or loads, stores and returns it. */
  getOrLoad<T>(namespace: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T>;
  /** Makes every key read under `namespace` stale. */
  invalidate(namespace: string): Promise<void>;
  close(): Promise<void>;
}

/** How long a namespace version lives; longer than any entry under it. */
const VERSION_TTL_SECONDS = 7 * 24 * 3600;

abstract class BaseCache implements Cache {
  abstract get<T>(key: string): Promise<T | undefined>;
  abstract set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  abstract del(...keys: string[]): Promise<void>;
  protected abstract version(namespace: string): Promise<number>;
  abstract invalidate(namespace: string): Promise<void>;
  abstract close(): Promise<void>;

  /**
   * Loads in flight in this process, by full key. Concurrent misses of one key share one load: a cold
   * or just-invalidated entry that hundreds of requests want at once (rankings after a publication)
   * costs one query instead of one per request. (The waiters still hold their own request's
   * connection meanwhile; what is saved is the duplicate queries competing for the database.)
   * Sharing is safe because the key already names everything the value depends on — it is what a
   * cache hit would have served.
   */
  private readonly loading = new Map<string, Promise<unknown>>();

  async getOrLoad<T>(namespace: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const full = `${namespace}:v${await this.version(namespace)}:${key}`;
    const hit = await this.get<T>(full);
    if (hit !== undefined) return hit;
    const running = this.loading.get(full) as Promise<T> | undefined;
    if (running) {
      // The shared load runs in its caller's transaction: if that fails (its timeout, its request
      // aborted), this caller loads for itself rather than inherit another request's error.
      const shared = await running.then(
        (value) => ({ value }),
        () => undefined,
      );
      if (!shared) return this.loadAndStore(full, ttlSeconds, load);
      // A copy, as a hit gets, so no two callers hold the same object.
      const stored = await this.get<T>(full).catch(() => undefined);
      return stored ?? (superjson.parse(superjson.stringify(shared.value)) as T);
    }
    const loaded = this.loadAndStore(full, ttlSeconds, load);
    this.loading.set(full, loaded);
    try {
      return await loaded;
    } finally {
      this.loading.delete(full);
    }
  }

  private async loadAndStore<T>(full: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const value = await load();
    await this.set(full, value, ttlSeconds);
    return value;
  }
}

export class RedisCache extends BaseCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : superjson.parse<T>(raw);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, superjson.stringify(value), "EX", ttlSeconds);
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  protected async version(namespace: string): Promise<number> {
    return Number((await this.redis.get(`${this.prefix}${namespace}:version`)) ?? 0);
  }

  async invalidate(namespace: string): Promise<void> {
    const key = `${this.prefix}${namespace}:version`;
    await this.redis.multi().incr(key).expire(key, VERSION_TTL_SECONDS).exec();
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** In-process implementation for the embedded mode (single process, no Redis). */
export class MemoryCache extends BaseCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly versions = new Map<string, number>();

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return superjson.parse<T>(entry.value);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    // Serialised like Redis so callers never share mutable objects with the cache.
    this.entries.set(key, { value: superjson.stringify(value), expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
  }

  protected async version(namespace: string): Promise<number> {
    return this.versions.get(namespace) ?? 0;
  }

  async invalidate(namespace: string): Promise<void> {
    this.versions.set(namespace, (this.versions.get(namespace) ?? 0) + 1);
    for (const key of this.entries.keys()) if (key.startsWith(`${namespace}:v`)) this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

// Builds the cache, pub/sub and queues for one process from configuration: Redis when REDIS_URL
// is set, in-process otherwise. Callers depend on the interfaces only.
import type { Config } from "@reprotech/core";
import { MemoryCache, RedisCache, type Cache } from "./cache";
import { MemoryPubSub, RedisPubSub, type PubSub } from "./pubsub";
import { BullQueues, MemoryQueues, type Queues } from "./queues";
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from "./rate-limit";
import { createRedis, type Redis } from "./redis";

export interface CacheRuntime {
  mode: "redis" | "in-process";
  cache: Cache;
  pubsub: PubSub;
  queues: Queues;
  rateLimiter: RateLimiter;
  /** Round trip to Redis (always true in-process). */
  ping(): Promise<boolean>;
  close(deadlineMs: number): Promise<void>;
}

export function createCacheRuntime(
  config: Pick<Config, "REDIS_URL" | "REDIS_KEY_PREFIX">,
  processName: string,
): CacheRuntime {
  if (!config.REDIS_URL) {
    const queues = new MemoryQueues();
    const cache = new MemoryCache();
    const pubsub = new MemoryPubSub();
    const rateLimiter = new MemoryRateLimiter();
    return {
      mode: "in-process",
      cache,
      pubsub,
      queues,
      rateLimiter,
      ping: async () => true,
      async close(deadlineMs) {
        await queues.close(deadlineMs);
        await Promise.all([cache.close(), pubsub.close(), rateLimiter.close()]);
      },
    };
  }
  const url = config.REDIS_URL;
  const prefix = config.REDIS_KEY_PREFIX;
  const redis: Redis = createRedis(url, `${processName}:cache`);
  const cache = new RedisCache(redis, prefix);
  const pubsub = new RedisPubSub(redis, createRedis(url, `${processName}:subscriber`), prefix);
  const queues = new BullQueues(url, prefix, processName);
  const rateLimiter = new RedisRateLimiter(redis, prefix);
  return {
    mode: "redis",
    cache,
    pubsub,
    queues,
    rateLimiter,
    async ping() {
      try {
        return (await redis.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    async close(deadlineMs) {
      await queues.close(deadlineMs);
      await pubsub.close();
      await cache.close();
    },
  };
}

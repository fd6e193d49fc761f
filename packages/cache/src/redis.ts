// ioredis connections. One Redis database for everything; separation is by key prefix
// (REDIS_KEY_PREFIX + purpose + tenant), never by numbered databases, which Redis Cluster lacks.
import { Redis, type RedisOptions } from "ioredis";

export function createRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { connectionName: name, lazyConnect: false, enableAutoPipelining: true, ...options });
}

/** BullMQ workers block on Redis and must never give up on a command. */
export function createWorkerRedis(url: string, name: string): Redis {
  return createRedis(url, name, { maxRetriesPerRequest: null, enableAutoPipelining: false });
}

export type { Redis };

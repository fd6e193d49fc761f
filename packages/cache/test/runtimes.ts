// Both implementations of each interface run the same contract tests: Redis on loopback (or
// TEST_REDIS_URL) with a unique key prefix per run, and the in-process one.
import { randomUUID } from "node:crypto";
import { createCacheRuntime, type CacheRuntime } from "../src";

export const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export const runtimes: [string, () => CacheRuntime][] = [
  ["redis", () => createCacheRuntime({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${randomUUID()}:` }, "test")],
  ["in-process", () => createCacheRuntime({ REDIS_URL: undefined, REDIS_KEY_PREFIX: "test:" }, "test")],
];

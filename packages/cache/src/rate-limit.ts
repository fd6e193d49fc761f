// Counters with expiry for throttling (sign-in failures per account and per IP, and the like).
// Fixed window opened by the first hit: the counter counts hits until the window passes, then
// starts again from zero. Later hits never extend a window, so a limited caller always knows when
// it may retry. Redis does the increment and the expiry in one script, atomically across processes.
import type { Redis } from "./redis";

export interface RateLimitState {
  /** Hits counted in the current window (0 when there is none). */
  count: number;
  /** Seconds until the current window ends (0 when there is none), rounded up. */
  retryAfterSeconds: number;
}

export interface RateLimitResult extends RateLimitState {
  /** This hit went over the limit: `count > limit`. */
  limited: boolean;
}

export interface RateLimiter {
  /** Counts one hit against `key`; opens a window of `windowSeconds` if none is open. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** The current count without counting a hit. */
  peek(key: string): Promise<RateLimitState>;
  /** Forgets `key`'s window and count. */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

const toSeconds = (ms: number) => (ms > 0 ? Math.ceil(ms / 1000) : 0);

function checkWindow(limit: number, windowSeconds: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer: ${limit}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1)
    throw new RangeError(`windowSeconds must be a positive integer: ${windowSeconds}`);
}

// KEYS[1] counter; ARGV[1] window in ms. Returns { count, remaining ms }.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}rl:${key}`;
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    checkWindow(limit, windowSeconds);
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.key(key), windowSeconds * 1000)) as [
      number,
      number,
    ];
    return { count, limited: count > limit, retryAfterSeconds: toSeconds(ttl) };
  }

  async peek(key: string): Promise<RateLimitState> {
    const [[, raw], [, ttl]] = (await this.redis.multi().get(this.key(key)).pttl(this.key(key)).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    if (raw === null) return { count: 0, retryAfterSeconds: 0 };
    return { count: Number(raw), retryAfterSeconds: toSeconds(ttl) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  /** The connection belongs to the runtime's cache, which closes it. */
  async close(): Promise<void> {}
}

/** In-process twin for the embedded mode (single process, no Redis). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  private current(key: string, now: number) {
    const w = this.windows.get(key);
    if (w && w.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    checkWindow(limit, windowSeconds);
    const now = Date.now();
    let w = this.current(key, now);
    if (!w) {
      w = { count: 0, endsAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
      this.sweep(now);
    }
    w.count += 1;
    return { count: w.count, limited: w.count > limit, retryAfterSeconds: toSeconds(w.endsAt - now) };
  }

  async peek(key: string): Promise<RateLimitState> {
    const now = Date.now();
    const w = this.current(key, now);
    return w ? { count: w.count, retryAfterSeconds: toSeconds(w.endsAt - now) } : { count: 0, retryAfterSeconds: 0 };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  /** Drops ended windows now and then, so keys that are never hit again do not pile up. */
  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
  }
}

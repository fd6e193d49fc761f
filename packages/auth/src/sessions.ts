// Sessions after Lucia's guide: the row is the record (PostgreSQL), Redis keeps a validated
// principal for a few seconds so most requests skip the database. The secret hash is compared in
// constant time on every validation, cache hit or not. Cached entries carry the user's cache
// version; invalidating a user's sessions changes it, so every cached session of that user dies
// at once, on every process.
import { keys, type Cache, type RateLimiter } from "@reprotech/cache";
import type { Config } from "@reprotech/core";
import { withSystem, type PrismaClient, type Tx } from "@reprotech/db";
import { decodeBase64, encodeBase64 } from "@oslojs/encoding";
import { sessionPrincipal, userBlock, userStateInclude, userStateOf, type Principal } from "./principal";
import { asSystemFor } from "./system-scope";
import { generateToken, parseToken, secretMatches } from "./tokens";

export interface SessionConfig {
  /** A session ends when it has not been used for this long. */
  idleTimeoutMs: number;
  /** ...and this long after it was created, however active. */
  absoluteTimeoutMs: number;
  /** lastVerifiedAt is written at most once per this interval. */
  refreshIntervalMs: number;
  /** How long a validated session is served from the cache. */
  cacheTtlSeconds: number;
}

export function sessionConfigFrom(
  config: Pick<Config, "SESSION_IDLE_TIMEOUT_MINUTES" | "SESSION_ABSOLUTE_TIMEOUT_HOURS">,
): SessionConfig {
  return {
    idleTimeoutMs: config.SESSION_IDLE_TIMEOUT_MINUTES * 60_000,
    absoluteTimeoutMs: config.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3_600_000,
    refreshIntervalMs: 60_000,
    cacheTtlSeconds: 30,
  };
}

export interface AuthDeps {
  db: PrismaClient;
  cache: Cache;
  rateLimiter: RateLimiter;
  sessions: SessionConfig;
  signIn: { maxFailures: number; windowSeconds: number; ipMaxFailures: number };
}

interface CachedSession {
  principal: Principal;
  /** base64 of SHA-256(secret). */
  secretHash: string;
  lastVerifiedAt: Date;
  expiresAt: Date;
  /** The user's cache version when this entry was loaded (null: none was set). */
  userVersion: string | null;
}

const sessionKey = (sessionId: string) => keys.global("auth", "session", sessionId);
const userVersionKey = (userId: string) => keys.global("auth", "user", userId, "sessions");
/** Longer than any cached session lives; an evicted version only causes cache misses. */
const VERSION_TTL_SECONDS = 24 * 3600;

// The cache only ever speeds things up: when Redis fails, validation goes to PostgreSQL.
async function quietly<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch {
    return undefined;
  }
}

const clip = (s: string | null | undefined, n: number) => (s ? s.slice(0, n) : null);

export async function createSession(
  tx: Tx,
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null },
  config: SessionConfig,
  now: Date = new Date(),
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const { id, token, secretHash } = generateToken();
  const expiresAt = new Date(now.getTime() + config.absoluteTimeoutMs);
  await tx.session.create({
    data: {
      id,
      secretHash: new Uint8Array(secretHash),
      userId,
      createdAt: now,
      lastVerifiedAt: now,
      expiresAt,
      ip: clip(meta.ip, 45),
      userAgent: clip(meta.userAgent, 512),
    },
  });
  return { token, sessionId: id, expiresAt };
}

const expired = (s: { lastVerifiedAt: Date; expiresAt: Date }, config: SessionConfig, now: Date) =>
  now.getTime() - s.lastVerifiedAt.getTime() > config.idleTimeoutMs || now.getTime() >= s.expiresAt.getTime();

/** The principal of a valid session token, or null (unknown, wrong secret, expired, user blocked). */
export async function validateSessionToken(
  deps: AuthDeps,
  token: string,
  now: Date = new Date(),
): Promise<Principal | null> {
  const parts = parseToken(token);
  if (!parts) return null;
  const { id, secret } = parts;
  const config = deps.sessions;

  const cached = await quietly(deps.cache.get<CachedSession>(sessionKey(id)));
  if (cached) {
    if (!secretMatches(secret, decodeBase64(cached.secretHash))) return null;
    const version = await quietly(deps.cache.get<string>(userVersionKey(cached.principal.userId)));
    const fresh = (version ?? null) === cached.userVersion;
    const refreshDue = now.getTime() - cached.lastVerifiedAt.getTime() >= config.refreshIntervalMs;
    // Anything but a plain valid hit is decided by the database.
    if (fresh && !refreshDue && !expired(cached, config, now)) return cached.principal;
  }
  return loadSession(deps, id, secret, now);
}

async function loadSession(deps: AuthDeps, id: string, secret: string, now: Date): Promise<Principal | null> {
  const config = deps.sessions;
  const found = await withSystem(deps.db, async (tx) => {
    // FOR KEY SHARE waits for a transaction deleting this row (invalidateUserSessions inside a
    // caller's transaction) and then sees it gone, so a session being ended is never cached.
    const locked = await tx.$queryRaw<
      { user_id: string }[]
    >`SELECT user_id::text FROM sessions WHERE id = ${id} FOR KEY SHARE`;
    const userId = locked[0]?.user_id;
    if (!userId) return null;
    // Read while holding the row: an invalidation can only delete it, and change the version,
    // after this transaction ends, so an entry cached from here is orphaned by that change.
    const version = await quietly(deps.cache.get<string>(userVersionKey(userId)));
    const row = await tx.session.findUnique({ where: { id }, include: { user: { include: userStateInclude } } });
    if (!row || !secretMatches(secret, row.secretHash)) return null;
    if (expired(row, config, now)) {
      await tx.session.delete({ where: { id } });
      return null;
    }
    const user = userStateOf(row.user);
    if (userBlock(user)) return null;
    let lastVerifiedAt = row.lastVerifiedAt;
    if (now.getTime() - lastVerifiedAt.getTime() >= config.refreshIntervalMs) {
      await tx.session.update({ where: { id }, data: { lastVerifiedAt: now } });
      lastVerifiedAt = now;
    }
    const entry: CachedSession = {
      principal: sessionPrincipal(user, id),
      secretHash: encodeBase64(row.secretHash),
      lastVerifiedAt,
      expiresAt: row.expiresAt,
      userVersion: version ?? null,
    };
    return { entry };
  });
  if (!found) {
    await quietly(deps.cache.del(sessionKey(id)));
    return null;
  }
  await quietly(deps.cache.set(sessionKey(id), found.entry, config.cacheTtlSeconds));
  return found.entry.principal;
}

/** Ends one session (sign-out). */
export async function invalidateSession(deps: AuthDeps, sessionId: string): Promise<void> {
  const ended = await withSystem(
    deps.db,
    (tx) => tx.$queryRaw<{ user_id: string }[]>`DELETE FROM sessions WHERE id = ${sessionId} RETURNING user_id::text`,
  );
  // A validation racing with the delete may cache the session again; the new user version orphans it.
  if (ended[0]) await bumpUserVersion(deps, ended[0].user_id);
  await quietly(deps.cache.del(sessionKey(sessionId)));
}

async function bumpUserVersion(deps: AuthDeps, userId: string): Promise<void> {
  await deps.cache.set(userVersionKey(userId), crypto.randomUUID(), VERSION_TTL_SECONDS);
}

/**
 * Ends every session of a user (sign out everywhere, password change, role or assignment change,
 * disabling). Inside `tx` when given, so it commits with the change that caused it: any tenant
 * transaction in which the user is visible will do (see system-scope.ts). Returns how many
 * sessions ended.
 */
export async function invalidateUserSessions(deps: AuthDeps, userId: string, tx?: Tx): Promise<number> {
  const run = (t: Tx) =>
    t.$queryRaw<{ id: string }[]>`DELETE FROM sessions WHERE user_id = ${userId}::uuid RETURNING id`;
  const ended = tx ? await asSystemFor(tx, userId, () => run(tx)) : await withSystem(deps.db, run);
  // A new version orphans every cached session of the user, including ones cached by a
  // validation racing with this call; deleting the entries too frees the memory at once.
  await bumpUserVersion(deps, userId);
  if (ended.length) await quietly(deps.cache.del(...ended.map((s) => sessionKey(s.id))));
  return ended.length;
}

export async function listUserSessions(
  tx: Tx,
  userId: string,
): Promise<
  { id: string; createdAt: Date; lastVerifiedAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null }[]
> {
  return tx.session.findMany({
    where: { userId },
    select: { id: true, createdAt: true, lastVerifiedAt: true, expiresAt: true, ip: true, userAgent: true },
    orderBy: { lastVerifiedAt: "desc" },
  });
}

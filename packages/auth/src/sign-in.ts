// Sign-in by e-mail and password, throttled per account and per client IP, audited either way.
// Every refusal looks the same to the caller ("invalid"), whether the e-mail is unknown, the
// password wrong, the user disabled or the customer suspended; the audit log records which.
import { keys } from "@reprotech/cache";
import { appendAudit, withSystem } from "@reprotech/db";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { DUMMY_HASH, verifyPassword } from "./passwords";
import { loadUserState, sessionPrincipal, userBlock, type Principal } from "./principal";
import { createSession, invalidateSession, type AuthDeps } from "./sessions";

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date; principal: Principal }
  | { ok: false; reason: "invalid" | "locked"; retryAfterSeconds?: number };

const ACTION = "auth.signIn";

const digest = (s: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(s)));

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Rate-limiter keys: hashed, so neither e-mails nor addresses sit in Redis, and any string is a safe key. */
export const signInKeys = {
  account: (email: string) => keys.global("auth", "signin", "account", digest(normalizeEmail(email))),
  ip: (ip: string) => keys.global("auth", "signin", "ip", digest(ip)),
};

export async function signIn(
  deps: AuthDeps,
  input: { email: string; password: string; ip: string | null; userAgent: string | null },
  now: Date = new Date(),
): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const { maxFailures, windowSeconds, ipMaxFailures } = deps.signIn;
  const accountKey = signInKeys.account(email);
  const ipKey = input.ip ? signInKeys.ip(input.ip) : null;
  const meta = { ip: input.ip, userAgent: input.userAgent };

  // Every attempt counts against the account at once (atomically, so parallel guesses cannot slip
  // past the limit); a success resets the count, so what remains counts failures. The IP counts
  // failures only, so a shared office address is not locked by its own successful sign-ins.
  const [account, ipState] = await Promise.all([
    deps.rateLimiter.hit(accountKey, maxFailures, windowSeconds),
    ipKey ? deps.rateLimiter.peek(ipKey) : null,
  ]);
  const ipLocked = ipState !== null && ipState.count >= ipMaxFailures;
  if (account.limited || ipLocked) {
    const retryAfterSeconds = Math.max(
      account.limited ? account.retryAfterSeconds : 0,
      ipLocked ? ipState.retryAfterSeconds : 0,
    );
    await withSystem(deps.db, async (tx) => {
      const user = await tx.user.findUnique({ where: { email }, select: { id: true, customerId: true } });
      await appendAudit(tx, {
        action: ACTION,
        result: "denied",
        userId: user?.id ?? null,
        customerId: user?.customerId ?? null,
        ...meta,
        detail: account.limited ? "locked" : "locked (ip)",
      });
    });
    return { ok: false, reason: "locked", retryAfterSeconds: Math.max(1, retryAfterSeconds) };
  }

  const user = email.length <= 254 ? await withSystem(deps.db, (tx) => loadUserState(tx, { email })) : null;
  // Unknown e-mails (and users without a password) verify against a dummy hash: same time.
  const passwordOk = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, input.password);
  const problem = !user ? "unknown email" : !user.passwordHash || !passwordOk ? "bad credentials" : userBlock(user);
  if (problem || !user) {
    if (ipKey) await deps.rateLimiter.hit(ipKey, ipMaxFailures, windowSeconds);
    await withSystem(deps.db, (tx) =>
      appendAudit(tx, {
        action: ACTION,
        result: "denied",
        userId: user?.id ?? null,
        customerId: user?.customerId ?? null,
        ...meta,
        detail: problem,
      }),
    );
    return { ok: false, reason: "invalid" };
  }

  const session = await withSystem(deps.db, async (tx) => {
    const created = await createSession(tx, user.id, meta, deps.sessions, now);
    await appendAudit(tx, {
      action: ACTION,
      result: "ok",
      userId: user.id,
      customerId: user.customerId,
      ...meta,
      targetType: "session",
      targetId: created.sessionId,
    });
    return created;
  });
  await deps.rateLimiter.reset(accountKey);
  return {
    ok: true,
    token: session.token,
    expiresAt: session.expiresAt,
    principal: sessionPrincipal(user, session.sessionId),
  };
}

/** Ends the session and records it. */
export async function signOut(deps: AuthDeps, sessionId: string): Promise<void> {
  const owner = await withSystem(deps.db, (tx) =>
    tx.session.findUnique({ where: { id: sessionId }, select: { userId: true } }),
  );
  await invalidateSession(deps, sessionId);
  if (owner) {
    await withSystem(deps.db, (tx) =>
      appendAudit(tx, {
        action: "auth.signOut",
        result: "ok",
        userId: owner.userId,
        targetType: "session",
        targetId: sessionId,
      }),
    );
  }
}

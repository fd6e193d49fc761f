// Password resets an admin hands to a user (one-time link, valid one hour), and a signed-in user's
// own password change. Either ends all the user's sessions; both are audited.
import { AppError } from "@reprotech/core";
import { appendAudit, withSystem, type Tx } from "@reprotech/db";
import { checkPasswordPolicy, DUMMY_HASH, hashPassword, verifyPassword } from "./passwords";
import type { Principal } from "./principal";
import { invalidateUserSessions, type AuthDeps } from "./sessions";
import { signInKeys } from "./sign-in";
import { asSystemFor } from "./system-scope";
import { generateToken, parseToken, secretMatches } from "./tokens";

export const PASSWORD_RESET_TTL_MS = 3_600_000;
const INVALID_RESET = "This reset link is invalid or has expired";

function checkNewPassword(password: string): void {
  const problem = checkPasswordPolicy(password);
  if (problem) throw new AppError("BAD_REQUEST", problem);
}

/**
 * A one-time reset link token for `userId`, valid one hour. Earlier unused links of the user stop
 * working. `tx` may be any tenant transaction in which the user is visible (see system-scope.ts).
 */
export async function createPasswordReset(
  tx: Tx,
  userId: string,
  createdById: string,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  return asSystemFor(tx, userId, async () => {
    const { id, token, secretHash } = generateToken();
    const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
    await tx.passwordReset.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
    await tx.passwordReset.create({
      data: { id, secretHash: new Uint8Array(secretHash), userId, createdById, createdAt: now, expiresAt },
    });
    return { token, expiresAt };
  });
}

/** Sets a new password with a reset token, once; ends all the user's sessions. */
export async function consumePasswordReset(
  deps: AuthDeps,
  token: string,
  newPassword: string,
  now: Date = new Date(),
): Promise<{ userId: string }> {
  checkNewPassword(newPassword);
  const parts = parseToken(token);
  if (!parts) throw new AppError("BAD_REQUEST", INVALID_RESET);
  const passwordHash = await hashPassword(newPassword);
  const outcome = await withSystem(deps.db, async (tx) => {
    const reset = await tx.passwordReset.findUnique({
      where: { id: parts.id },
      include: { user: { select: { status: true } } },
    });
    if (!reset || !secretMatches(parts.secret, reset.secretHash)) return { ok: false as const, userId: null };
    // Claimed atomically: of two concurrent uses, one updates the row and the other finds it used.
    const claimed = await tx.passwordReset.updateMany({
      where: { id: reset.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1 || reset.user.status !== "active") return { ok: false as const, userId: reset.userId };
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash, passwordChangedAt: now } });
    await invalidateUserSessions(deps, reset.userId, tx);
    await appendAudit(tx, {
      action: "auth.passwordReset",
      result: "ok",
      userId: reset.userId,
      targetType: "user",
      targetId: reset.userId,
    });
    return { ok: true as const, userId: reset.userId };
  });
  if (!outcome.ok) {
    if (outcome.userId) {
      await withSystem(deps.db, (tx) =>
        appendAudit(tx, {
          action: "auth.passwordReset",
          result: "denied",
          userId: outcome.userId,
          targetType: "user",
          targetId: outcome.userId,
          detail: "used, expired or disabled user",
        }),
      );
    }
    throw new AppError("BAD_REQUEST", INVALID_RESET);
  }
  return { userId: outcome.userId };
}

/**
 * A signed-in user changes their own password: the current one is checked (wrong guesses count
 * against the account's sign-in limit), then all the user's sessions end, this one included.
 */
export async function changePassword(
  deps: AuthDeps,
  principal: Principal,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  if (principal.kind !== "session") throw new AppError("FORBIDDEN", "Sign in to change your password");
  checkNewPassword(newPassword);
  const key = signInKeys.account(principal.email);
  const { maxFailures, windowSeconds } = deps.signIn;
  const attempt = await deps.rateLimiter.hit(key, maxFailures, windowSeconds);
  if (attempt.limited)
    throw new AppError("TOO_MANY_REQUESTS", "Too many attempts; try again later", {
      retryAfterSeconds: attempt.retryAfterSeconds,
    });

  const user = await withSystem(deps.db, (tx) =>
    tx.user.findUnique({ where: { id: principal.userId }, select: { passwordHash: true, customerId: true } }),
  );
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, currentPassword);
  if (!user || !user.passwordHash || !ok) {
    await withSystem(deps.db, (tx) =>
      appendAudit(tx, {
        action: "auth.passwordChange",
        result: "denied",
        userId: principal.userId,
        customerId: user?.customerId ?? null,
        detail: "bad current password",
      }),
    );
    throw new AppError("BAD_REQUEST", "Current password is incorrect");
  }
  const passwordHash = await hashPassword(newPassword);
  await withSystem(deps.db, async (tx) => {
    await tx.user.update({ where: { id: principal.userId }, data: { passwordHash, passwordChangedAt: new Date() } });
    await invalidateUserSessions(deps, principal.userId, tx);
    await appendAudit(tx, {
      action: "auth.passwordChange",
      result: "ok",
      userId: principal.userId,
      customerId: user.customerId,
      targetType: "user",
      targetId: principal.userId,
    });
  });
  await deps.rateLimiter.reset(key);
}

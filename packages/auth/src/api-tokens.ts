// API tokens for the SDK and CLI: scoped to one customer and to a subset of their creator's
// permissions. Shown once at creation; only SHA-256(secret) is stored. Every use re-checks the
// creator: disabled, or no longer reaching the customer → the token stops working; permissions
// are the token's intersected with what the creator's role holds today.
import { AppError, PERMISSIONS, permissionsOf, SCOPE_OF, type Permission } from "@reprotech/core";
import { withSystem, type Tx } from "@reprotech/db";
import { userBlock, userStateInclude, userStateOf, type Principal, type UserState } from "./principal";
import type { AuthDeps } from "./sessions";
import { generateToken, parseToken, secretMatches } from "./tokens";

/** lastUsedAt is written at most once per this interval. */
const LAST_USED_INTERVAL_MS = 60_000;

/** Whether the user's role still reaches the customer (own farm, assigned farms, all). */
function reaches(user: UserState, customer: { id: string; researchConsent: boolean }): boolean {
  switch (SCOPE_OF[user.role]) {
    case "all":
      return true;
    case "own":
      return user.customerId === customer.id;
    case "assigned":
      return user.assignedCustomerIds.includes(customer.id);
    case "consenting":
      return customer.researchConsent;
  }
}

export async function createApiToken(
  tx: Tx,
  input: { customerId: string; createdById: string; name: string; permissions: Permission[]; expiresAt: Date },
): Promise<{ token: string; id: string }> {
  const name = input.name.trim();
  if (!name || name.length > 120) throw new AppError("BAD_REQUEST", "Token name must be 1 to 120 characters");
  const permissions = [...new Set(input.permissions)].sort();
  if (!permissions.length) throw new AppError("BAD_REQUEST", "A token needs at least one permission");
  const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length) throw new AppError("BAD_REQUEST", `Unknown permissions: ${unknown.join(", ")}`);
  if (!(input.expiresAt.getTime() > Date.now())) throw new AppError("BAD_REQUEST", "Expiry must be in the future");

  const row = await tx.user.findUnique({ where: { id: input.createdById }, include: userStateInclude });
  const creator = row ? userStateOf(row) : null;
  const customer = await tx.customer.findUnique({
    where: { id: input.customerId },
    select: { id: true, researchConsent: true },
  });
  if (!creator || userBlock(creator) || !customer || !reaches(creator, customer))
    throw new AppError("FORBIDDEN", "You may not create tokens for this customer");
  const held = permissionsOf(creator.role);
  const beyond = permissions.filter((p) => !held.includes(p));
  if (beyond.length) throw new AppError("FORBIDDEN", `A token cannot carry permissions you lack: ${beyond.join(", ")}`);

  const { id, token, secretHash } = generateToken();
  await tx.apiToken.create({
    data: {
      id,
      secretHash: new Uint8Array(secretHash),
      customerId: input.customerId,
      createdById: input.createdById,
      name,
      permissions,
      expiresAt: input.expiresAt,
    },
  });
  return { token, id };
}

/** The principal of a usable API token, or null (unknown, wrong secret, expired, revoked, creator blocked). */
export async function validateApiToken(
  deps: AuthDeps,
  token: string,
  now: Date = new Date(),
): Promise<Principal | null> {
  const parts = parseToken(token);
  if (!parts) return null;
  return withSystem(deps.db, async (tx) => {
    const row = await tx.apiToken.findUnique({
      where: { id: parts.id },
      include: {
        createdBy: { include: userStateInclude },
        customer: { select: { id: true, status: true, researchConsent: true } },
      },
    });
    if (!row || !secretMatches(parts.secret, row.secretHash)) return null;
    if (row.revokedAt || now.getTime() >= row.expiresAt.getTime()) return null;
    if (row.customer.status !== "active") return null;
    const creator = userStateOf(row.createdBy);
    if (userBlock(creator) || !reaches(creator, row.customer)) return null;
    const held = permissionsOf(creator.role);
    const permissions = held.filter((p) => row.permissions.includes(p));
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_INTERVAL_MS) {
      await tx.apiToken.updateMany({
        where: {
          id: row.id,
          OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_INTERVAL_MS) } }],
        },
        data: { lastUsedAt: now },
      });
    }
    return {
      kind: "apiToken",
      userId: creator.id,
      role: creator.role,
      email: creator.email,
      displayName: creator.displayName,
      customerId: creator.customerId,
      assignedCustomerIds: creator.assignedCustomerIds,
      permissions,
      apiTokenId: row.id,
      tokenCustomerId: row.customerId,
    } satisfies Principal;
  });
}

/** Revokes a token; false when there is no such unrevoked token (in the transaction's scope). */
export async function revokeApiToken(tx: Tx, id: string, now: Date = new Date()): Promise<boolean> {
  const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return count === 1;
}

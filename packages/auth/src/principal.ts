// Who is calling: built from the user row (and, for API tokens, the token) on every validation,
// so role, status and assignments are current (or at most a cache TTL old).
import { CUSTOMER_ROLES, permissionsOf, type Permission, type Role } from "@reprotech/core";
import type { Tx } from "@reprotech/db";

export interface Principal {
  kind: "session" | "apiToken";
  userId: string;
  role: Role;
  email: string;
  displayName: string;
  /** Own customer for customer roles; null for internal staff. */
  customerId: string | null;
  /** Customers assigned to veterinarians/technicians (empty for other roles). */
  assignedCustomerIds: string[];
  /** The role's matrix, or (API tokens) the token's permissions still held by its creator. */
  permissions: readonly Permission[];
  sessionId?: string;
  apiTokenId?: string;
  /** API tokens are scoped to exactly one customer. */
  tokenCustomerId?: string;
}

/** The user facts a principal is built from, and whether the user may act at all. */
export interface UserState {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  customerId: string | null;
  status: "active" | "disabled";
  customerStatus: "active" | "suspended" | null;
  assignedCustomerIds: string[];
  passwordHash: string | null;
}

export const userStateInclude = {
  customer: { select: { status: true } },
  assignments: { select: { customerId: true }, orderBy: { customerId: "asc" } },
} as const;

type UserRow = {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  customerId: string | null;
  status: "active" | "disabled";
  passwordHash: string | null;
  customer: { status: "active" | "suspended" } | null;
  assignments: { customerId: string }[];
};

export function userStateOf(row: UserRow): UserState {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    customerId: row.customerId,
    status: row.status,
    customerStatus: row.customer?.status ?? null,
    assignedCustomerIds: row.assignments.map((a) => a.customerId),
    passwordHash: row.passwordHash,
  };
}

export async function loadUserState(tx: Tx, where: { id: string } | { email: string }): Promise<UserState | null> {
  const row = await tx.user.findUnique({ where, include: userStateInclude });
  return row ? userStateOf(row) : null;
}

/** Why a user may not act, for the audit log (the caller only ever hears a generic answer), or null. */
export function userBlock(user: UserState): "disabled user" | "suspended customer" | null {
  if (user.status !== "active") return "disabled user";
  if (CUSTOMER_ROLES.includes(user.role) && user.customerStatus !== "active") return "suspended customer";
  return null;
}

export function sessionPrincipal(user: UserState, sessionId: string): Principal {
  return {
    kind: "session",
    userId: user.id,
    role: user.role,
    email: user.email,
    displayName: user.displayName,
    customerId: user.customerId,
    assignedCustomerIds: user.assignedCustomerIds,
    permissions: permissionsOf(user.role),
    sessionId,
  };
}

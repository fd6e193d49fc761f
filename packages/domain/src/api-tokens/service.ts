import type { Tx } from "@reprotech/db";

const SELECT = {
  id: true,
  customerId: true,
  name: true,
  permissions: true,
  createdById: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export function listApiTokens(tx: Tx, customerId: string) {
  return tx.apiToken.findMany({ where: { customerId }, orderBy: { createdAt: "desc" }, select: SELECT });
}

export function findApiToken(tx: Tx, customerId: string, id: string) {
  return tx.apiToken.findFirst({ where: { id, customerId }, select: SELECT });
}

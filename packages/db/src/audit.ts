// Appends to the audit log inside the caller's transaction, so an audited change and its record
// commit or roll back together. The table is append-only for the application role (INSERT, SELECT).
import { randomUUID } from "node:crypto";
import type { Tx } from "./tenant";

export type AuditOutcome = "ok" | "denied" | "error";

export interface AuditEntry {
  action: string;
  result: AuditOutcome;
  userId?: string | null;
  apiTokenId?: string | null;
  customerId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  userAgent?: string | null;
  detail?: string | null;
}

const json = (value: unknown) =>
  value === undefined || value === null ? undefined : JSON.parse(JSON.stringify(value));

export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      id: randomUUID(),
      action: entry.action,
      result: entry.result,
      userId: entry.userId ?? null,
      apiTokenId: entry.apiTokenId ?? null,
      customerId: entry.customerId ?? null,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      before: json(entry.before),
      after: json(entry.after),
      ip: entry.ip?.slice(0, 45) ?? null,
      userAgent: entry.userAgent?.slice(0, 512) ?? null,
      detail: entry.detail?.slice(0, 500) ?? null,
    },
  });
}

// Browsing the audit log, newest first, with keyset pagination on (created_at, id).
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import type { z } from "zod";
import type { listAuditInput } from "./schemas";

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(Number(at));
  if (!id || Number.isNaN(createdAt.getTime())) throw new AppError("BAD_REQUEST", "Invalid cursor");
  return { createdAt, id };
}
const encodeCursor = (row: { createdAt: Date; id: string }) =>
  Buffer.from(`${row.createdAt.getTime()}|${row.id}`).toString("base64url");

export async function listAudit(tx: Tx, input: z.infer<typeof listAuditInput>) {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await tx.auditLog.findMany({
    where: {
      ...(input.customerId ? { customerId: input.customerId } : {}),
      ...(input.userId ? { userId: input.userId } : {}),
      ...(input.action ? { action: { startsWith: input.action } } : {}),
      ...(input.result ? { result: input.result } : {}),
      createdAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lt: input.to } : {}) },
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  return { items: page, nextCursor: more ? encodeCursor(page.at(-1)!) : null };
}

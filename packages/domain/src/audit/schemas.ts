import { z } from "zod";

export const listAuditInput = z
  .object({
    customerId: z.uuid().optional(),
    userId: z.uuid().optional(),
    action: z.string().trim().max(120).optional(),
    result: z.enum(["ok", "denied", "error"]).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** Opaque cursor from the previous page. */
    cursor: z.string().max(100).optional(),
  })
  .default({ limit: 100 });

export const auditEntrySchema = z.object({
  id: z.uuid(),
  createdAt: z.date(),
  userId: z.uuid().nullable(),
  apiTokenId: z.string().nullable(),
  customerId: z.uuid().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  result: z.enum(["ok", "denied", "error"]),
  detail: z.string().nullable(),
});

import { PERMISSIONS } from "@reprotech/core/permissions";
import { z } from "zod";

export const createApiTokenInput = z.object({
  customerId: z.uuid(),
  name: z.string().trim().min(1, "Give the token a name").max(120),
  permissions: z.array(z.enum(PERMISSIONS)).min(1, "Pick at least one permission"),
  /** Days until it expires (at most a year). */
  expiresInDays: z.number().int().min(1).max(365).default(90),
});

export const apiTokenSchema = z.object({
  id: z.string(),
  customerId: z.uuid(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdById: z.uuid(),
  createdAt: z.date(),
  expiresAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

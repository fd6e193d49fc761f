// Browser-safe schemas of the users module.
import { ROLES } from "@reprotech/core/permissions";
import { z } from "zod";

export const roleSchema = z.enum(ROLES);

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  customerId: z.uuid().nullable(),
  status: z.enum(["active", "disabled"]),
  assignedCustomerIds: z.array(z.uuid()),
  hasPassword: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type UserView = z.infer<typeof userSchema>;

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid e-mail address").max(254));

export const createUserInput = z.object({
  email: emailSchema,
  displayName: z.string().trim().min(1, "Enter a name").max(120),
  role: roleSchema,
  /** Required for customer roles, absent for internal staff. */
  customerId: z.uuid().optional(),
});

export const updateUserInput = z.object({
  userId: z.uuid(),
  customerId: z.uuid().optional(),
  displayName: z.string().trim().min(1).max(120).optional(),
  role: roleSchema.optional(),
  status: z.enum(["active", "disabled"]).optional(),
});

export const setAssignmentsInput = z.object({ userId: z.uuid(), customerIds: z.array(z.uuid()).max(1000) });

export const listUsersInput = z
  .object({
    customerId: z.uuid().optional(),
    search: z.string().trim().max(100).optional(),
    role: roleSchema.optional(),
    status: z.enum(["active", "disabled"]).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.uuid().optional(),
  })
  .default({ limit: 100 });

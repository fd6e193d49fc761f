import { createPasswordReset, invalidateUserSessions } from "@reprotech/auth";
import {
  createUserInput,
  listUsersInput,
  setAssignmentsInput,
  updateUserInput,
  users,
  userSchema,
} from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Tx } from "@reprotech/db";
import { router, tenantProcedure } from "../../trpc";

const resetLink = z.object({ resetPath: z.string(), expiresAt: z.date() });

async function issueReset(tx: Tx, actorId: string, userId: string) {
  const { token, expiresAt } = await createPasswordReset(tx, userId, actorId);
  // Shown once to the admin, who hands it over; only its hash is stored.
  return { resetPath: `/reset-password#token=${encodeURIComponent(token)}`, expiresAt };
}

export const usersRouter = router({
  list: tenantProcedure("users.read")
    .input(listUsersInput)
    .output(z.object({ items: z.array(userSchema), nextCursor: z.uuid().nullable() }))
    .query(({ ctx, input }) => users.listUsers(ctx.db, input)),

  get: tenantProcedure("users.read")
    .input(z.object({ userId: z.uuid() }))
    .output(userSchema)
    .query(({ ctx, input }) => users.getUser(ctx.db, input.userId)),

  /** New users get a one-time link to set their password; nobody else ever knows it. */
  create: tenantProcedure("users.manage")
    .input(createUserInput)
    .output(z.object({ user: userSchema, reset: resetLink }))
    .mutation(async ({ ctx, input }) => {
      const user = await users.createUser(ctx.db, ctx.principal, input);
      await ctx.audit({ customerId: user.customerId, targetType: "user", targetId: user.id, after: user });
      return { user, reset: await issueReset(ctx.db, ctx.principal.userId, user.id) };
    }),

  update: tenantProcedure("users.manage")
    .input(updateUserInput)
    .output(userSchema)
    .mutation(async ({ ctx, input }) => {
      const change = await users.updateUser(ctx.db, ctx.principal, input);
      await ctx.audit({
        customerId: change.after.customerId,
        targetType: "user",
        targetId: change.after.id,
        before: change.before,
        after: change.after,
      });
      if (change.endsSessions) await invalidateUserSessions(ctx.auth, change.after.id, ctx.db);
      return change.after;
    }),

  setAssignments: tenantProcedure("users.assign")
    .input(setAssignmentsInput)
    .output(userSchema)
    .mutation(async ({ ctx, input }) => {
      const change = await users.setAssignments(ctx.db, input);
      await ctx.audit({ targetType: "user", targetId: change.after.id, before: change.before, after: change.after });
      if (change.endsSessions) await invalidateUserSessions(ctx.auth, change.after.id, ctx.db);
      return change.after;
    }),

  resetPassword: tenantProcedure("users.manage")
    .input(z.object({ userId: z.uuid() }))
    .output(resetLink)
    .mutation(async ({ ctx, input }) => {
      const user = await users.getUser(ctx.db, input.userId);
      if (user.role === "super_admin" && ctx.principal.role !== "super_admin") {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only a super admin can reset a super admin's password" });
      }
      await ctx.audit({
        customerId: user.customerId,
        targetType: "user",
        targetId: user.id,
        detail: "password reset link issued",
      });
      return issueReset(ctx.db, ctx.principal.userId, user.id);
    }),
});

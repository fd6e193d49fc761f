// Sign-in, sign-out, the caller's own sessions and password. Cookies are set through ctx.response.
import {
  changePassword,
  clearSessionCookie,
  consumePasswordReset,
  invalidateSession,
  invalidateUserSessions,
  listUserSessions,
  PASSWORD_MAX,
  sessionCookie,
  signIn,
  signOut,
} from "@reprotech/auth";
import { ROLES } from "@reprotech/core";
import { emailSchema } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "../../context";
import { authedProcedure, publicProcedure, router, selfProcedure } from "../../trpc";

const meSchema = z.object({
  kind: z.enum(["session", "apiToken"]),
  userId: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  customerId: z.uuid().nullable(),
  assignedCustomerIds: z.array(z.uuid()),
  permissions: z.array(z.string()),
});

const me = (p: NonNullable<Context["principal"]>): z.infer<typeof meSchema> => ({
  kind: p.kind,
  userId: p.userId,
  email: p.email,
  displayName: p.displayName,
  role: p.role,
  customerId: p.customerId,
  assignedCustomerIds: p.assignedCustomerIds,
  permissions: [...p.permissions],
});

// Long enough for any real password, short enough that hashing cannot be used to burn CPU.
const password = z
  .string()
  .min(1, "Enter your password")
  .max(PASSWORD_MAX * 4);

function requireSession(ctx: Context) {
  if (ctx.principal?.kind !== "session" || !ctx.principal.sessionId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "This needs a browser session, not an API token" });
  }
  return ctx.principal.sessionId;
}

export const authRouter = router({
  signIn: publicProcedure
    .input(z.object({ email: emailSchema, password }))
    .output(meSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await signIn(ctx.auth, { ...input, ip: ctx.request.ip, userAgent: ctx.request.userAgent });
      if (!result.ok) {
        if (result.reason === "locked") {
          const minutes = Math.max(1, Math.ceil((result.retryAfterSeconds ?? 60) / 60));
          throw new TRPCError({
            code: "TOO_MANY_REQUESTS",
            message: `Too many failed sign-ins. Try again in ${minutes} minute(s).`,
          });
        }
        throw new TRPCError({ code: "UNAUTHORIZED", message: "Incorrect e-mail or password" });
      }
      ctx.response.setCookie(sessionCookie(result.token, result.expiresAt, { secure: ctx.request.secure }));
      return me(result.principal);
    }),

  signOut: authedProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    await signOut(ctx.auth, requireSession(ctx));
    ctx.response.setCookie(clearSessionCookie({ secure: ctx.request.secure }));
    return { ok: true as const };
  }),

  signOutEverywhere: authedProcedure.output(z.object({ ended: z.number().int() })).mutation(async ({ ctx }) => {
    requireSession(ctx);
    const ended = await invalidateUserSessions(ctx.auth, ctx.principal.userId);
    ctx.response.setCookie(clearSessionCookie({ secure: ctx.request.secure }));
    return { ended };
  }),

  me: authedProcedure.output(meSchema).query(({ ctx }) => me(ctx.principal)),

  sessions: selfProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          current: z.boolean(),
          createdAt: z.date(),
          lastVerifiedAt: z.date(),
          expiresAt: z.date(),
          ip: z.string().nullable(),
          userAgent: z.string().nullable(),
        }),
      ),
    )
    .query(async ({ ctx }) =>
      (await listUserSessions(ctx.db, ctx.principal.userId)).map((s) => ({
        ...s,
        current: s.id === ctx.principal.sessionId,
      })),
    ),

  revokeSession: selfProcedure
    .input(z.object({ sessionId: z.string().min(1).max(32) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      // Row-level security: only the caller's own sessions are visible here.
      const own = await ctx.db.session.findUnique({ where: { id: input.sessionId }, select: { id: true } });
      if (!own) throw new TRPCError({ code: "NOT_FOUND", message: "Session not found" });
      await invalidateSession(ctx.auth, input.sessionId);
      return { ok: true as const };
    }),

  changePassword: authedProcedure
    .input(z.object({ currentPassword: password, newPassword: password }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      requireSession(ctx);
      await changePassword(ctx.auth, ctx.principal, input.currentPassword, input.newPassword);
      ctx.response.setCookie(clearSessionCookie({ secure: ctx.request.secure }));
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .input(z.object({ token: z.string().min(1).max(100), newPassword: password }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await consumePasswordReset(ctx.auth, input.token, input.newPassword);
      return { ok: true as const };
    }),
});

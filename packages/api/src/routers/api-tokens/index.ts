import { createApiToken, revokeApiToken } from "@reprotech/auth";
import { apiTokens, apiTokenSchema, createApiTokenInput } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";

export const apiTokensRouter = router({
  list: tenantProcedure("apiTokens.manage")
    .input(z.object({ customerId: z.uuid() }))
    .output(z.array(apiTokenSchema))
    .query(({ ctx, input }) => apiTokens.listApiTokens(ctx.db, input.customerId)),

  /** The token is in this response and nowhere else: only its hash is stored. */
  create: tenantProcedure("apiTokens.manage")
    .input(createApiTokenInput)
    .output(z.object({ token: z.string(), apiToken: apiTokenSchema }))
    .mutation(async ({ ctx, input }) => {
      const beyond = input.permissions.filter((p) => !ctx.principal.permissions.includes(p));
      if (beyond.length)
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `A token cannot carry permissions you lack: ${beyond.join(", ")}`,
        });
      const { token, id } = await createApiToken(ctx.db, {
        customerId: input.customerId,
        createdById: ctx.principal.userId,
        name: input.name,
        permissions: input.permissions,
        expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
      });
      const apiToken = (await apiTokens.findApiToken(ctx.db, input.customerId, id))!;
      await ctx.audit({ targetType: "apiToken", targetId: id, after: apiToken });
      return { token, apiToken };
    }),

  revoke: tenantProcedure("apiTokens.manage")
    .input(z.object({ customerId: z.uuid(), id: z.string().min(1).max(32) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await apiTokens.findApiToken(ctx.db, input.customerId, input.id);
      if (!existing) throw new TRPCError({ code: "NOT_FOUND", message: "API token not found" });
      await revokeApiToken(ctx.db, input.id);
      await ctx.audit({ targetType: "apiToken", targetId: input.id, before: existing, detail: "revoked" });
      return { ok: true as const };
    }),
});

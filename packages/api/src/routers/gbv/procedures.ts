// The procedure for writes to the GBV catalogue (traits, models, phenotype sets). Those rows belong to
// no customer and RLS lets only the '*' scope write them, so instead of tenantProcedure (which refuses
// every mutation of a read-only role) the call runs after its permission check in ONE transaction
// scoped '*' — researchers hold gbv.models.manage / gbv.train and must be able to publish and train,
// while for tenant data they stay read-only. Code run here reads tenant rows only in aggregate
// (allele frequencies, "does any animal carry this panel") and writes catalogue rows; per-animal
// predictions are written by the scoring job. The procedure gets ctx.db, ctx.audit (no customer) and
// ctx.afterCommit like a tenant procedure.
import type { Principal } from "@reprotech/auth";
import type { Permission } from "@reprotech/core";
import { appendAudit, withTenant, type AuditEntry, type Tx } from "@reprotech/db";
import { permission } from "../../trpc";

export function catalogueProcedure(p: Permission) {
  return permission(p).use(async ({ ctx, path, next }) => {
    const principal = ctx.principal as Principal;
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await withTenant(
      ctx.db,
      { customerIds: "all", userId: principal.userId },
      async (tx) => {
        const audit = (entry: Omit<AuditEntry, "action" | "result"> & Partial<Pick<AuditEntry, "action" | "result">>) =>
          appendAudit(tx, {
            userId: principal.userId,
            apiTokenId: principal.apiTokenId ?? null,
            ip: ctx.request.ip,
            userAgent: ctx.request.userAgent,
            action: path,
            result: "ok",
            customerId: null,
            ...entry,
          });
        const onCommit = (fn: () => Promise<void>) => void afterCommit.push(fn);
        const outcome = await next({ ctx: { db: tx as Tx, principal, audit, afterCommit: onCommit } });
        if (!outcome.ok) throw outcome.error;
        return outcome;
      },
      { timeout: 10 * 60_000 },
    );
    for (const fn of afterCommit) {
      await fn().catch((error: unknown) => ctx.log.error({ err: error, path }, "after-commit work failed"));
    }
    return result;
  });
}

// tRPC initialisation and the procedure ladder:
//   publicProcedure → authedProcedure → permission("x.y") → tenantProcedure("x.y")
// Every procedure records in its meta who may call it (`access`), so the authorization test can
// walk the router and hold each procedure to the permission matrix in @reprotech/core.
import type { Principal } from "@reprotech/auth";
import { AppError, isReadOnly, SCOPE_OF, type AppErrorCode, type Permission } from "@reprotech/core";
import { appendAudit, withSystem, withTenant, type AuditEntry, type Tx } from "@reprotech/db";
import { consentingCustomerIds } from "@reprotech/domain";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import type { Context } from "./context";
import { asUnavailable } from "./unavailable";

export interface Meta extends OpenApiMeta {
  /** Who may call: anyone, any signed-in principal, or holders of one permission. */
  access?: "public" | "authenticated" | Permission;
  /** Runs in a tenant transaction (researchers may only read). */
  tenant?: boolean;
}

const CODE_OF: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const internal = error.code === "INTERNAL_SERVER_ERROR";
      return {
        ...shape,
        // 5xx messages could leak SQL, paths or secrets; the log keeps the real one.
        message: internal ? "Internal server error" : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          zodError: error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null,
        },
      };
    },
  });

/**
 * Turns domain AppErrors into tRPC errors with the matching status, and a wait for a database
 * connection that ran out (overload) into 503; anything else stays a 500.
 */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: CODE_OF[cause.code], message: cause.message, cause });
  }
  const unavailable = result.ok ? undefined : asUnavailable(result.error.cause);
  if (unavailable) throw unavailable;
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

export const publicProcedure = t.procedure.use(appErrors).meta({ access: "public" });

/** Denials are recorded outside the failing call's transaction, which rolls back. */
async function auditDenied(ctx: Context, action: string, detail: string, customerId?: string | null) {
  // Without a target customer, a farm's own principal is filed under its farm, so the farm's admin
  // sees its users' refused attempts in the farm's audit view.
  const farm = customerId ?? ctx.principal?.tokenCustomerId ?? ctx.principal?.customerId ?? null;
  await withSystem(ctx.db, (tx) =>
    appendAudit(tx, { ...who(ctx), action, result: "denied", detail, customerId: farm }),
  ).catch((error) => ctx.log.error({ err: error }, "could not audit a denial"));
}

/** Who is acting, as audit records name them. */
export function who(ctx: Context): Pick<AuditEntry, "userId" | "apiTokenId" | "ip" | "userAgent"> {
  return {
    userId: ctx.principal?.userId ?? null,
    apiTokenId: ctx.principal?.apiTokenId ?? null,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
  };
}

export const authedProcedure = publicProcedure.meta({ access: "authenticated" }).use(async ({ ctx, next }) => {
  if (!ctx.principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { principal: ctx.principal } });
});

function requirePermission(permission: Permission) {
  return t.middleware(async ({ ctx, path, next }) => {
    const principal = ctx.principal as Principal;
    if (!principal.permissions.includes(permission)) {
      await auditDenied(ctx, path, `missing permission ${permission}`);
      throw new TRPCError({ code: "FORBIDDEN", message: `You do not have permission to do this (${permission})` });
    }
    return next();
  });
}

export function permission(p: Permission) {
  return authedProcedure.meta({ access: p }).use(requirePermission(p));
}

/** Customers a principal reaches: "all" or a list (empty when none). API tokens reach their one customer. */
export async function reachableCustomers(ctx: Context, principal: Principal): Promise<"all" | string[]> {
  if (principal.kind === "apiToken") return principal.tokenCustomerId ? [principal.tokenCustomerId] : [];
  switch (SCOPE_OF[principal.role]) {
    case "all":
      return "all";
    case "own":
      return principal.customerId ? [principal.customerId] : [];
    case "assigned":
      return principal.assignedCustomerIds;
    case "consenting":
      return consentingCustomerIds(ctx.db, ctx.runtime.cache);
  }
}

const customerIdInput = z.object({ customerId: z.uuid().optional() }).loose();

/**
 * The customer scope of a call: the `customerId` of the input or of its FormData (validated here,
 * before the procedure's own parser) if it is within the principal's reach, else everything the
 * principal reaches. Out-of-reach customers answer NOT_FOUND, so a probe learns nothing; read-only
 * roles are refused mutations. Gives `ctx.scope` (for withTenant), `ctx.reach` and
 * `ctx.requestedCustomerId`. tenantProcedure builds on it; procedures that must not hold one
 * transaction for the whole call (multi-GB uploads, streamed exports) use it directly and open short
 * tenant transactions with `ctx.scope` themselves.
 */
export function scopedProcedure(p: Permission) {
  return permission(p)
    .meta({ tenant: true })
    .use(async ({ ctx, type, path, getRawInput, next }) => {
      const principal = ctx.principal as Principal;
      if (type === "mutation" && isReadOnly(principal.role)) {
        await auditDenied(ctx, path, "read-only role");
        throw new TRPCError({ code: "FORBIDDEN", message: "Your role can only read" });
      }
      const raw = await getRawInput();
      // File uploads arrive as FormData (multipart): customerId is one of its fields.
      const fields = raw instanceof FormData ? { customerId: raw.get("customerId") ?? undefined } : raw;
      const parsed = customerIdInput.safeParse(fields ?? {});
      if (!parsed.success)
        throw new TRPCError({ code: "BAD_REQUEST", message: "customerId must be a UUID", cause: parsed.error });
      const requested = parsed.data.customerId;
      const reach = await reachableCustomers(ctx, principal);
      if (requested && reach !== "all" && !reach.includes(requested)) {
        await auditDenied(ctx, path, "customer outside the caller's scope", requested);
        throw new TRPCError({ code: "NOT_FOUND", message: "Customer not found" });
      }
      const scope = { customerIds: requested ? [requested] : reach, userId: principal.userId };
      return next({ ctx: { principal, scope, reach, requestedCustomerId: requested } });
    });
}

/**
 * Runs the procedure in ONE transaction whose row-level security scope is the customers the call
 * touches (scopedProcedure). The procedure gets the transaction as `ctx.db` and an `audit()` bound to it.
 */
export function tenantProcedure(p: Permission) {
  return scopedProcedure(p).use(async ({ ctx, type, path, next }) => {
    const { principal, scope, reach, requestedCustomerId: requested } = ctx;
    const customerIds = scope.customerIds;
    // Work that must see the committed state (cache invalidation) runs after COMMIT: run inside
    // the transaction, a concurrent reader could re-cache the old rows between it and the commit.
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await withTenant(ctx.db, scope, async (tx) => {
      const audit = (entry: Omit<AuditEntry, "action" | "result"> & Partial<Pick<AuditEntry, "action" | "result">>) =>
        appendAudit(tx, { ...who(ctx), action: path, result: "ok", customerId: requested ?? null, ...entry });
      // Admins reaching across customers: every read is on the record.
      if (type === "query" && reach === "all") await audit({ detail: "cross-customer read" });
      const onCommit = (fn: () => Promise<void>) => void afterCommit.push(fn);
      const outcome = await next({ ctx: { db: tx as Tx, principal, customerIds, audit, afterCommit: onCommit } });
      // next() reports failure as a value; throwing it is what rolls the transaction back.
      if (!outcome.ok) throw outcome.error;
      return outcome;
    });
    for (const fn of afterCommit) {
      // The change is committed: report a failed follow-up in the log rather than as a failed call.
      await fn().catch((error: unknown) => ctx.log.error({ err: error, path }, "after-commit work failed"));
    }
    return result;
  });
}

/** Work on the caller's own identity (sessions, password): no customer, only the user's own rows. */
export const selfProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const principal = ctx.principal as Principal;
  return withTenant(ctx.db, { customerIds: [], userId: principal.userId }, async (tx) => {
    const result = await next({ ctx: { db: tx as Tx, principal } });
    if (!result.ok) throw result.error;
    return result;
  });
});

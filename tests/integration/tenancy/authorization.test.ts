// Generated from the router itself: every procedure × every role (and anonymous) is allowed or denied
// exactly as the permission matrix in @reprotech/core says. A procedure without an `access` entry in
// its meta fails this test, so nothing ships without being placed in the matrix.
import { appRouter } from "@reprotech/api";
import { isReadOnly, permissionsOf, ROLES, type Permission, type Role } from "@reprotech/core";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type Caller, type World } from "../../support/identity";

interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  access?: "public" | "authenticated" | Permission;
  tenant?: boolean;
}

const procedures: ProcedureInfo[] = Object.entries(
  appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: ProcedureInfo["type"]; meta?: Partial<ProcedureInfo> } }
  >,
).map(([path, proc]) => ({
  path,
  type: proc._def.type,
  access: proc._def.meta?.access,
  tenant: proc._def.meta?.tenant,
}));

function expected(p: ProcedureInfo, role: Role | null): "allowed" | "denied" {
  if (p.access === "public") return "allowed";
  if (role === null) return "denied";
  if (p.access === "authenticated") return "allowed";
  if (!permissionsOf(role).includes(p.access!)) return "denied";
  if (p.tenant && p.type === "mutation" && isReadOnly(role)) return "denied";
  return "allowed";
}

/** Calls with no input: allowed calls fail on validation (or succeed); denials happen before input is read. */
async function outcome(caller: Caller["caller"], p: ProcedureInfo): Promise<"allowed" | "denied"> {
  const fn = p.path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input?: unknown,
  ) => Promise<unknown>;
  try {
    await fn(undefined);
    return "allowed";
  } catch (error: unknown) {
    if (!(error instanceof TRPCError)) throw error;
    return error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED" ? "denied" : "allowed";
  }
}

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => world?.close());

describe("authorization matrix", () => {
  it("covers every procedure with an access rule", () => {
    expect(procedures.length).toBeGreaterThan(10);
    const missing = procedures.filter((p) => !p.access).map((p) => p.path);
    expect(missing, "procedures without meta.access").toEqual([]);
  });

  for (const role of [null, ...ROLES] as const) {
    it(`holds every procedure to the matrix for ${role ?? "anonymous"}`, async () => {
      const mismatches: string[] = [];
      for (const p of procedures) {
        if (p.type === "subscription") continue;
        // A fresh sign-in per call: some calls (sign out, change password) end the session they run in.
        const { caller } = await callerFor(world, role ? world.usersB[role].email : null);
        const got = await outcome(caller, p);
        const want = expected(p, role);
        if (got !== want) mismatches.push(`${p.path}: expected ${want}, got ${got}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});

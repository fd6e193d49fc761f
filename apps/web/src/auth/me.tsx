// Who is signed in. The guard (router.tsx) loads auth.me before any signed-in page renders and puts it
// here; pages read it with useMe() and ask can(permission) to decide what to SHOW. The server decides
// what is allowed — hiding is a courtesy, never the protection.
import type { Permission, Role } from "@reprotech/core/permissions";
import { createContext, useContext, type ReactNode } from "react";
import type { Me } from "../trpc";

const MeContext = createContext<Me | null>(null);

export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe() outside a signed-in page");
  return me;
}

export function hasPermission(me: Pick<Me, "permissions">, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

/** `can("users.manage")` for the signed-in user. */
export function useCan(): (permission: Permission) => boolean {
  const me = useMe();
  return (permission) => hasPermission(me, permission);
}

export const ROLE_LABELS: Record<Role, string> = {
  super_admin: "Super admin",
  admin: "Admin",
  veterinarian: "Veterinarian",
  technician: "Technician",
  researcher: "Researcher",
  customer_admin: "Customer admin",
  customer_user: "Customer user",
};

export function isCustomerRole(role: Role): boolean {
  return role === "customer_admin" || role === "customer_user";
}

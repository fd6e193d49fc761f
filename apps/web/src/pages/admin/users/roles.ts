// Which roles the signed-in user may hand out in the forms. The server has the final word.
import { CUSTOMER_ROLES, ROLES, type Role } from "@reprotech/core/permissions";
import { isCustomerRole, ROLE_LABELS } from "../../../auth/me";
import type { Me } from "../../../trpc";

export function assignableRoles(me: Pick<Me, "role" | "customerId">): Role[] {
  if (me.customerId !== null) return [...CUSTOMER_ROLES];
  return ROLES.filter((r) => r !== "super_admin" || me.role === "super_admin");
}

export function roleOptions(roles: readonly Role[]) {
  const group = (internal: boolean) => roles.filter((r) => isCustomerRole(r) !== internal);
  const items = (rs: Role[]) => rs.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
  return [
    { group: "Reprotech staff", items: items(group(true)) },
    { group: "Customer farm", items: items(group(false)) },
  ].filter((g) => g.items.length > 0);
}

/** Veterinarians and technicians work on the farms they are assigned to. */
export function takesAssignments(role: Role): boolean {
  return role === "veterinarian" || role === "technician";
}

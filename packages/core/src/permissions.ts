// The one place permissions are decided: role → permissions, and role → which customers it reaches.
// Procedures declare the permission they need; the SPA hides what this matrix denies; the
// authorization test walks every procedure × every role against it.

export const ROLES = [
  "super_admin",
  "admin",
  "veterinarian",
  "technician",
  "researcher",
  "customer_admin",
  "customer_user",
] as const;
export type Role = (typeof ROLES)[number];

export const INTERNAL_ROLES: readonly Role[] = ["super_admin", "admin", "veterinarian", "technician", "researcher"];
export const CUSTOMER_ROLES: readonly Role[] = ["customer_admin", "customer_user"];

export const PERMISSIONS = [
  // identity and administration
  "customers.read",
  "customers.manage",
  "users.read",
  "users.manage",
  "users.assign",
  "apiTokens.manage",
  "audit.read",
  // modules (procedures arrive with each module)
  "animals.read",
  "animals.write",
  "bulls.manage",
  "genotypes.read",
  "genotypes.upload",
  "genotypes.panels.manage",
  "gbv.read",
  /** Adding traits to the GBV catalogue: admins only (researchers manage models, not the trait list). */
  "gbv.traits.manage",
  "gbv.models.manage",
  "gbv.train",
  "breeding.read",
  "breeding.write",
  "laboratory.read",
  "laboratory.write",
  "analytics.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS: Permission[] = [
  "animals.read",
  "genotypes.read",
  "gbv.read",
  "breeding.read",
  "laboratory.read",
  "analytics.read",
];

const MATRIX: Record<Role, readonly Permission[]> = {
  super_admin: PERMISSIONS,
  admin: PERMISSIONS,
  veterinarian: [...READS, "customers.read", "animals.write", "bulls.manage", "breeding.write", "apiTokens.manage"],
  technician: [
    ...READS,
    "customers.read",
    "animals.write",
    "bulls.manage",
    "genotypes.upload",
    "genotypes.panels.manage",
    "laboratory.write",
  ],
  researcher: [...READS, "customers.read", "gbv.models.manage", "gbv.train"],
  customer_admin: [
    ...READS,
    "customers.read",
    "animals.write",
    "breeding.write",
    "users.read",
    "users.manage",
    "apiTokens.manage",
    "audit.read",
  ],
  customer_user: [...READS, "customers.read", "animals.write", "breeding.write"],
};

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role];
}

/**
 * Which customers a role reaches:
 * - "all": every customer (admins; their cross-customer reads are audited)
 * - "own": the user's own customer (customer roles)
 * - "assigned": customers assigned to the user (veterinarians, technicians)
 * - "consenting": customers with research consent, read-only (researchers)
 */
export type ScopeRule = "all" | "own" | "assigned" | "consenting";

export const SCOPE_OF: Record<Role, ScopeRule> = {
  super_admin: "all",
  admin: "all",
  veterinarian: "assigned",
  technician: "assigned",
  researcher: "consenting",
  customer_admin: "own",
  customer_user: "own",
};

/** Researchers work on anonymised reference data: reading only, whatever their permissions say. */
export function isReadOnly(role: Role): boolean {
  return SCOPE_OF[role] === "consenting";
}

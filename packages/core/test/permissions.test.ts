import { describe, expect, it } from "vitest";
import { can, CUSTOMER_ROLES, isReadOnly, PERMISSIONS, permissionsOf, ROLES, SCOPE_OF } from "../src/permissions";

describe("permission matrix", () => {
  it("gives admins everything and only known permissions to anyone", () => {
    for (const p of PERMISSIONS) {
      expect(can("super_admin", p)).toBe(true);
      expect(can("admin", p)).toBe(true);
    }
    for (const role of ROLES) for (const p of permissionsOf(role)) expect(PERMISSIONS).toContain(p);
  });

  it("keeps customer roles out of administration and model management", () => {
    for (const role of CUSTOMER_ROLES) {
      for (const p of ["customers.manage", "gbv.models.manage", "gbv.train", "genotypes.upload"] as const)
        expect(can(role, p)).toBe(false);
    }
    expect(can("customer_user", "users.manage")).toBe(false);
    expect(can("customer_admin", "users.manage")).toBe(true);
  });

  it("lets internal staff (not researchers or customers) maintain the bull catalogue", () => {
    for (const role of ["super_admin", "admin", "veterinarian", "technician"] as const)
      expect(can(role, "bulls.manage")).toBe(true);
    for (const role of ["researcher", "customer_admin", "customer_user"] as const)
      expect(can(role, "bulls.manage")).toBe(false);
    for (const role of ROLES) expect(can(role, "animals.read")).toBe(true);
  });

  it("lets only super_admin, admin and technician register SNP panels", () => {
    for (const role of ["super_admin", "admin", "technician"] as const)
      expect(can(role, "genotypes.panels.manage")).toBe(true);
    for (const role of ["veterinarian", "researcher", "customer_admin", "customer_user"] as const)
      expect(can(role, "genotypes.panels.manage")).toBe(false);
    for (const role of ROLES) expect(can(role, "genotypes.read")).toBe(true);
  });

  it("lets only super_admin and admin add GBV traits", () => {
    for (const role of ["super_admin", "admin"] as const) expect(can(role, "gbv.traits.manage")).toBe(true);
    for (const role of ["veterinarian", "technician", "researcher", "customer_admin", "customer_user"] as const)
      expect(can(role, "gbv.traits.manage")).toBe(false);
    expect(can("researcher", "gbv.models.manage")).toBe(true);
  });

  it("scopes each role as the tenancy design says", () => {
    expect(SCOPE_OF.customer_user).toBe("own");
    expect(SCOPE_OF.veterinarian).toBe("assigned");
    expect(SCOPE_OF.researcher).toBe("consenting");
    expect(isReadOnly("researcher")).toBe(true);
    expect(isReadOnly("technician")).toBe(false);
  });
});

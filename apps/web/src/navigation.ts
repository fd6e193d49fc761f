// The Admin section of the navigation: each entry shows only when the signed-in user's permissions
// (from auth.me, i.e. the server's matrix) include the one it needs. The server enforces the same
// permission on every procedure behind the page.
import type { Permission } from "@reprotech/core/permissions";
import { modules, type ModuleId } from "./modules";

export interface MainNavItem {
  id: ModuleId | "bulls" | "gbv";
  label: string;
  path: `/${ModuleId}` | "/bulls" | "/gbv";
  /** Not shipped yet: the entry leads to a "coming soon" page. */
  soon: boolean;
}

/**
 * The business modules: shipped ones when the user holds their permission, the rest as "soon".
 * The AI-bull catalogue sits right under Animals (everyone who reads animals reads the catalogue), the
 * genomic evaluations (rankings, distributions, models) right under Genomics for those who read GBVs.
 */
export function mainNavFor(permissions: readonly string[]): MainNavItem[] {
  const items: MainNavItem[] = [];
  for (const m of modules) {
    if (m.shipped && m.permission && !permissions.includes(m.permission)) continue;
    items.push({ id: m.id, label: m.label, path: m.path, soon: !m.shipped });
    if (m.id === "animals") items.push({ id: "bulls", label: "Bull catalogue", path: "/bulls", soon: false });
    if (m.id === "genomics" && m.shipped && permissions.includes("gbv.read"))
      items.push({ id: "gbv", label: "Genomic evaluations", path: "/gbv", soon: false });
  }
  return items;
}

export interface AdminNavItem {
  id: "customers" | "users" | "api-tokens" | "audit";
  label: string;
  path: "/admin/customers" | "/admin/users" | "/admin/api-tokens" | "/admin/audit";
  /** Shown when the user holds this permission. */
  permission: Permission;
  description: string;
}

export const adminNav: readonly AdminNavItem[] = [
  {
    id: "customers",
    label: "Customers",
    path: "/admin/customers",
    // Every role may read its own farm; administering farms is what this page is for.
    permission: "customers.manage",
    description: "Customer farms: tier, animal limit, research consent, suspension.",
  },
  {
    id: "users",
    label: "Users",
    path: "/admin/users",
    permission: "users.read",
    description: "People who sign in, their roles, and the farms they work on.",
  },
  {
    id: "api-tokens",
    label: "API tokens",
    path: "/admin/api-tokens",
    permission: "apiTokens.manage",
    description: "Tokens for farm software and scripts, per customer.",
  },
  {
    id: "audit",
    label: "Audit log",
    path: "/admin/audit",
    permission: "audit.read",
    description: "Who did what, when, and what changed.",
  },
];

export function adminNavFor(permissions: readonly string[]): AdminNavItem[] {
  return adminNav.filter((item) => permissions.includes(item.permission));
}

// The business modules of Reprotech as the navigation shows them. A module that has not shipped gets a
// "coming with <module>" page until its folder in packages/domain and its router in packages/api exist.
// Animals has shipped (with the AI-bull catalogue next to it), Genomics with genotype uploads; administration
// too: see navigation.ts.
import type { Permission } from "@reprotech/core/permissions";

export type ModuleId = "animals" | "genomics" | "breeding" | "laboratory" | "analytics";

export interface ModuleInfo {
  /** Route segment and stable id (used in test ids). */
  id: ModuleId;
  label: string;
  path: `/${ModuleId}`;
  summary: string;
  /** What users will be able to do once the module ships (or can do, once it has). */
  plans: string[];
  /** Shipped modules open their pages; the others show what is coming. */
  shipped: boolean;
  /** A shipped module shows in the navigation only with this permission. */
  permission?: Permission;
}

export const modules: readonly ModuleInfo[] = [
  {
    id: "animals",
    label: "Animals",
    path: "/animals",
    summary: "Herd registry: animals, pedigrees and ownership per customer farm.",
    plans: ["Register and search animals", "Pedigrees, inbreeding and descendants", "Import and export CSV/XLSX"],
    shipped: true,
    permission: "animals.read",
  },
  {
    id: "genomics",
    label: "Genomics",
    path: "/genomics",
    summary: "Genotype uploads, SNP panels, quality control and genomic breeding values.",
    plans: ["Upload genotype files with live progress", "QC and parentage verification", "GBV scores per animal"],
    shipped: true,
    permission: "genotypes.read",
  },
  {
    id: "breeding",
    label: "Breeding",
    path: "/breeding",
    summary: "Matings, inseminations, embryo transfers and pregnancy checks.",
    plans: ["Plan matings with inbreeding checks", "Record inseminations and transfers", "Pregnancy outcomes"],
    shipped: false,
  },
  {
    id: "laboratory",
    label: "Laboratory",
    path: "/laboratory",
    summary: "Samples, lab orders and results for technicians.",
    plans: ["Sample intake and tracking", "Lab orders per customer", "Result entry and release"],
    shipped: false,
  },
  {
    id: "analytics",
    label: "Analytics",
    path: "/analytics",
    summary: "Herd and programme reports, roll-ups and exports.",
    plans: ["Herd performance dashboards", "Genetic trend reports", "CSV exports"],
    shipped: false,
  },
];

export const moduleById = Object.fromEntries(modules.map((m) => [m.id, m])) as Record<ModuleId, ModuleInfo>;

// The business modules of Reprotech as the navigation shows them. None has shipped yet: each gets a
// "coming with <module>" page until its folder in packages/domain and its router in packages/api exist.
// Administration (users, customers, tokens, audit) has shipped: see navigation.ts.
export type ModuleId = "animals" | "genomics" | "breeding" | "laboratory" | "analytics";

export interface ModuleInfo {
  /** Route segment and stable id (used in test ids). */
  id: ModuleId;
  label: string;
  path: `/${ModuleId}`;
  summary: string;
  /** What users will be able to do once the module ships. */
  plans: string[];
}

export const modules: readonly ModuleInfo[] = [
  {
    id: "animals",
    label: "Animals",
    path: "/animals",
    summary: "Herd registry: animals, pedigrees and ownership per customer farm.",
    plans: ["Register and search animals", "Pedigrees and parentage", "Transfers between farms"],
  },
  {
    id: "genomics",
    label: "Genomics",
    path: "/genomics",
    summary: "Genotype uploads, SNP panels, quality control and genomic breeding values.",
    plans: ["Upload genotype files with live progress", "QC and parentage verification", "GBV scores per animal"],
  },
  {
    id: "breeding",
    label: "Breeding",
    path: "/breeding",
    summary: "Matings, inseminations, embryo transfers and pregnancy checks.",
    plans: ["Plan matings with inbreeding checks", "Record inseminations and transfers", "Pregnancy outcomes"],
  },
  {
    id: "laboratory",
    label: "Laboratory",
    path: "/laboratory",
    summary: "Samples, lab orders and results for technicians.",
    plans: ["Sample intake and tracking", "Lab orders per customer", "Result entry and release"],
  },
  {
    id: "analytics",
    label: "Analytics",
    path: "/analytics",
    summary: "Herd and programme reports, roll-ups and exports.",
    plans: ["Herd performance dashboards", "Genetic trend reports", "CSV exports"],
  },
];

export const moduleById = Object.fromEntries(modules.map((m) => [m.id, m])) as Record<ModuleId, ModuleInfo>;

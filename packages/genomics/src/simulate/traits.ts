// The four seed traits and their genetic architecture: QTL at panel SNPs with normal effects,
// scaled so the base generation's additive variance is h2 times the phenotypic variance.
import type { Rng } from "./rng";

export interface TraitSpec {
  readonly name: string;
  /** Narrow-sense heritability in (0, 1). */
  readonly h2: number;
  /** Phenotypic mean and standard deviation (base generation). */
  readonly mean: number;
  readonly sdP: number;
  /** Number of QTL (distinct SNPs, drawn from the panel). */
  readonly nQtl: number;
  readonly unit: string;
}

/** Milk production, fertility, disease resistance and longevity with textbook dairy heritabilities. */
export const SEED_TRAITS: readonly TraitSpec[] = [
  { name: "milk_production", unit: "kg/305d", h2: 0.3, mean: 9000, sdP: 1500, nQtl: 400 },
  { name: "fertility", unit: "daughter pregnancy rate %", h2: 0.04, mean: 22, sdP: 8, nQtl: 200 },
  { name: "disease_resistance", unit: "score", h2: 0.1, mean: 0, sdP: 1, nQtl: 200 },
  { name: "longevity", unit: "months in herd", h2: 0.08, mean: 48, sdP: 18, nQtl: 200 },
];

export interface Qtl {
  readonly trait: string;
  /** Panel indices of the QTL SNPs. */
  readonly snpIndex: Int32Array;
  /** Effect of one copy of the B allele, in trait units after scaling. */
  readonly effect: Float64Array;
}

export function drawQtl(rng: Rng, trait: TraitSpec, nSnps: number): { snpIndex: Int32Array; effect: Float64Array } {
  const k = Math.min(trait.nQtl, nSnps);
  const snpIndex = rng.sample(nSnps, k).sort();
  const effect = new Float64Array(k);
  for (let i = 0; i < k; i++) effect[i] = rng.normal();
  return { snpIndex, effect };
}

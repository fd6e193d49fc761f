// Genotype quality control with ICAR / CDCB style defaults (all configurable).
//
// Order of work:
//  1. one pass over all animals: per-animal call rate and heterozygosity; animals below
//     minSampleCallRate (0.90) fail;
//  2. per-SNP statistics over the animals that passed (a second pass only when some failed):
//     call rate (drop below minSnpCallRate 0.90), B-allele frequency, MAF, HWE exact p-value (PLINK's
//     SNPHWE semantics, mid-p off), monomorphic flag;
//  3. duplicate positions (same chromosome and position in the panel): every SNP of such a group is
//     flagged; the one with the highest call rate (first on ties) is kept, the others are dropped;
//  4. SNPs used for relationships additionally need MAF >= minMafForRelationships (0.05).
// Sample call rate is over all SNPs of the panel, as a lab reports it.
import type { PackedMatrix } from "../pack";
import {
  bAlleleFrequencies,
  minorAlleleFrequencies,
  sampleCallRates,
  sampleHeterozygosity,
  snpCallRates,
  summarizeGenotypes,
  type SnpGenotypeCounts,
} from "./frequencies";
import { hweExactPValues } from "./hwe";

/** Where a marker of the chip sits, in the column order of the packed matrix (SnpPanel markers fit). */
export interface MarkerPosition {
  readonly chrom: string | number;
  readonly position: number;
}

export interface QcOptions {
  /** Animals with a lower call rate fail. Default 0.90. */
  readonly minSampleCallRate?: number;
  /** SNPs with a lower call rate are dropped. Default 0.90. */
  readonly minSnpCallRate?: number;
  /** SNPs with a lower MAF are not used for relationships (G, SNP-BLUP). Default 0.05. */
  readonly minMafForRelationships?: number;
  /** SNPs with a lower HWE exact p-value are dropped. Default 0 (reported, never dropped). */
  readonly minHweP?: number;
  /** Mid-p for the HWE test. Default false (as PLINK). */
  readonly hweMidp?: boolean;
  /** Animals whose heterozygosity is outside [min, max] fail. Default: no bounds. */
  readonly minSampleHeterozygosity?: number;
  readonly maxSampleHeterozygosity?: number;
}

export const DEFAULT_QC_OPTIONS = {
  minSampleCallRate: 0.9,
  minSnpCallRate: 0.9,
  minMafForRelationships: 0.05,
  minHweP: 0,
  hweMidp: false,
} as const;

export interface SampleQc {
  readonly callRate: Float64Array;
  readonly heterozygosity: Float64Array;
  /** 1 = passes. */
  readonly pass: Uint8Array;
}

export interface SnpQc {
  readonly counts: SnpGenotypeCounts;
  readonly callRate: Float64Array;
  readonly bAlleleFrequency: Float64Array;
  readonly maf: Float64Array;
  readonly hweP: Float64Array;
  /** 1 = one allele only (or no calls) among the animals that passed. */
  readonly monomorphic: Uint8Array;
  /** 1 = shares chromosome and position with another SNP of the panel. */
  readonly duplicatePosition: Uint8Array;
  /** 1 = kept: call rate, HWE, not monomorphic, not a dropped duplicate. */
  readonly pass: Uint8Array;
  /** 1 = kept and MAF >= minMafForRelationships. */
  readonly useForRelationships: Uint8Array;
}

export interface QcResult {
  readonly samples: SampleQc;
  readonly snps: SnpQc;
  /** Row indices of the animals that passed. */
  readonly passingSamples: Int32Array;
}

/** Flags SNPs sharing chromosome + position; returns the flags and, per group, the index kept. */
export function duplicatePositions(
  panel: readonly MarkerPosition[],
  callRate?: Float64Array,
): { flagged: Uint8Array; dropped: Uint8Array } {
  const flagged = new Uint8Array(panel.length);
  const dropped = new Uint8Array(panel.length);
  const groups = new Map<string, number[]>();
  panel.forEach((mk, j) => {
    const key = `${String(mk.chrom)}:${mk.position}`;
    const g = groups.get(key);
    if (g) g.push(j);
    else groups.set(key, [j]);
  });
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    let keep = g[0]!;
    for (const j of g) {
      flagged[j] = 1;
      if (callRate && callRate[j]! > callRate[keep]!) keep = j;
    }
    for (const j of g) if (j !== keep) dropped[j] = 1;
  }
  return { flagged, dropped };
}

export function runQc(m: PackedMatrix, panel?: readonly MarkerPosition[], options: QcOptions = {}): QcResult {
  const o = { ...DEFAULT_QC_OPTIONS, ...options };
  if (panel && panel.length !== m.nSnps)
    throw new RangeError(`panel has ${panel.length} markers, matrix has ${m.nSnps} SNPs`);
  const first = summarizeGenotypes(m);
  const callRate = sampleCallRates(first.samples);
  const heterozygosity = sampleHeterozygosity(first.samples);
  const samplePass = new Uint8Array(m.nSamples);
  const passing: number[] = [];
  for (let i = 0; i < m.nSamples; i++) {
    const h = heterozygosity[i]!;
    const ok =
      callRate[i]! >= o.minSampleCallRate &&
      (o.minSampleHeterozygosity === undefined || h >= o.minSampleHeterozygosity) &&
      (o.maxSampleHeterozygosity === undefined || h <= o.maxSampleHeterozygosity);
    samplePass[i] = ok ? 1 : 0;
    if (ok) passing.push(i);
  }
  const passingSamples = Int32Array.from(passing);
  const counts = passing.length === m.nSamples ? first.snps : summarizeGenotypes(m, passingSamples).snps;

  const snpCall = snpCallRates(counts);
  const p = bAlleleFrequencies(counts);
  const maf = minorAlleleFrequencies(p);
  const hweP = hweExactPValues(counts, { midp: o.hweMidp });
  const monomorphic = new Uint8Array(m.nSnps);
  for (let j = 0; j < m.nSnps; j++)
    monomorphic[j] = counts.het[j] === 0 && (counts.hom0[j] === 0 || counts.hom2[j] === 0) ? 1 : 0;
  const dup = panel
    ? duplicatePositions(panel, snpCall)
    : { flagged: new Uint8Array(m.nSnps), dropped: new Uint8Array(m.nSnps) };
  const pass = new Uint8Array(m.nSnps);
  const useForRelationships = new Uint8Array(m.nSnps);
  for (let j = 0; j < m.nSnps; j++) {
    const ok = snpCall[j]! >= o.minSnpCallRate && hweP[j]! >= o.minHweP && monomorphic[j] === 0 && dup.dropped[j] === 0;
    pass[j] = ok ? 1 : 0;
    useForRelationships[j] = ok && maf[j]! >= o.minMafForRelationships ? 1 : 0;
  }
  return {
    samples: { callRate, heterozygosity, pass: samplePass },
    snps: {
      counts,
      callRate: snpCall,
      bAlleleFrequency: p,
      maf,
      hweP,
      monomorphic,
      duplicatePosition: dup.flagged,
      pass,
      useForRelationships,
    },
    passingSamples,
  };
}

// Genomic inbreeding of one animal for its report: excess homozygosity,
//   F = 1 − O / E,  O = number of heterozygous calls,  E = Σ_j 2 p_j (1 − p_j),
// over the SNPs that are called for the animal and whose allele frequency p_j is known and
// polymorphic (0 < p < 1), with p_j the frequency of the counted allele in the model's reference
// population (gbv_models.allele_freqs, the same frequencies scoring centres on). This is the
// method-of-moments F of PLINK's --het, for one animal against fixed frequencies; unlike the GRM's
// G_ii − 1 it needs no other animal's genotype, so the report never reads another farm's rows.
// F is 0 for an animal as heterozygous as Hardy–Weinberg expects, positive when more homozygous,
// and may be negative.
import { COUNT_OF_CODE } from "@reprotech/genomics";

export interface GenomicInbreeding {
  f: number;
  /** SNPs that entered the estimate. */
  snps: number;
  observedHet: number;
  expectedHet: number;
}

/** null when no SNP qualifies (no frequencies known, or nothing called). */
export function genomicInbreeding(packed: Uint8Array, freqs: Float64Array): GenomicInbreeding | null {
  let observed = 0;
  let expected = 0;
  let snps = 0;
  const n = Math.min(freqs.length, packed.length * 4);
  for (let j = 0; j < n; j++) {
    const p = freqs[j]!;
    if (!(p > 0 && p < 1)) continue; // NaN (unknown) or monomorphic
    const count = COUNT_OF_CODE[(packed[j >>> 2]! >>> ((j & 3) << 1)) & 3]!;
    if (count < 0) continue; // no call
    snps++;
    if (count === 1) observed++;
    expected += 2 * p * (1 - p);
  }
  if (snps === 0 || expected === 0) return null;
  return { f: 1 - observed / expected, snps, observedHet: observed, expectedHet: expected };
}

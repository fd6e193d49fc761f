// Hardy–Weinberg exact test (Wigginton, Cutler & Abecasis 2005, Am J Hum Genet 76:887–893) with the
// conventions of PLINK's implementation (plink 1.9 SNPHWE2 / plink2 HweP):
//  * the p-value is the probability, under HWE and the observed allele counts, of a heterozygote count
//    whose probability is at most that of the observed one;
//  * probabilities within a relative 2^-44 of the observed one count as ties and belong to the tail;
//  * mid-p (Graffelman & Moreno 2013) is off by default; with it the tied probability mass counts half;
//  * no genotypes -> 1 (0.5 with mid-p).
// The conditional distribution of the heterozygote count is computed by the usual recurrence
// P(h+2)/P(h) = 4 (nRare-h)/2 (nCommon-h)/2 / ((h+2)(h+1)) from the mode outwards, relative to the mode,
// stopping once terms no longer change the sums in double precision.

const TIE_EPSILON = 2 ** -44;

export interface HweOptions {
  /** Mid-p adjustment (PLINK's `midp` modifier). Default false. */
  readonly midp?: boolean;
}

/** Exact HWE p-value for one SNP from its genotype counts (order of the homozygotes does not matter). */
export function hweExactP(hets: number, homA: number, homB: number, options: HweOptions = {}): number {
  const midp = options.midp ?? false;
  const n = hets + homA + homB;
  if (n === 0) return midp ? 0.5 : 1;
  const homRare = Math.min(homA, homB);
  const homCommon = Math.max(homA, homB);
  const nRare = 2 * homRare + hets; // copies of the rarer allele
  const nCommon = 2 * homCommon + hets;
  // Most likely heterozygote count, with the parity of nRare.
  let mode = Math.floor((nRare * nCommon) / (2 * n));
  if ((mode & 1) !== (nRare & 1)) mode++;
  if (mode > nRare) mode -= 2;

  // ratio r(h + 2) / r(h) and r(h - 2) / r(h); rareHom/commonHom are the homozygote counts at h.
  const up = (h: number): number => (4 * ((nRare - h) / 2) * ((nCommon - h) / 2)) / ((h + 2) * (h + 1));
  const down = (h: number): number => (h * (h - 1)) / (4 * ((nRare - h) / 2 + 1) * ((nCommon - h) / 2 + 1));

  // r(obs) relative to r(mode) = 1 (the "mode" may be off by a step; nothing below relies on it being the max).
  let rObs = 1;
  for (let h = mode; h < hets; h += 2) rObs *= up(h);
  for (let h = mode; h > hets; h -= 2) rObs *= down(h);
  const tieHigh = rObs * (1 + TIE_EPSILON);
  const tieLow = rObs * (1 - 2 * TIE_EPSILON);
  // Terms below this cannot change either sum in double precision once the walk has passed both the
  // observed count and the mode (the distribution is unimodal, terms only shrink further out).
  const negligible = Math.min(rObs, 1) * 2 ** -60;

  let total = 0;
  let tail = 0;
  let ties = 0;
  const add = (r: number): void => {
    total += r;
    if (r <= tieHigh) {
      tail += r;
      if (r >= tieLow) ties += r;
    }
  };
  add(1);
  let r = 1;
  for (let h = mode; h + 2 <= nRare; h += 2) {
    r *= up(h);
    add(r);
    if (h + 2 >= hets && r < negligible) break;
  }
  r = 1;
  for (let h = mode; h - 2 >= 0; h -= 2) {
    r *= down(h);
    add(r);
    if (h - 2 <= hets && r < negligible) break;
  }
  const p = midp ? (tail - 0.5 * ties) / total : tail / total;
  return Math.min(1, p);
}

/** HWE exact p-values for every SNP from per-SNP genotype counts. */
export function hweExactPValues(
  counts: { readonly nSnps: number; readonly hom0: Uint32Array; readonly het: Uint32Array; readonly hom2: Uint32Array },
  options: HweOptions = {},
): Float64Array {
  const p = new Float64Array(counts.nSnps);
  for (let j = 0; j < counts.nSnps; j++) p[j] = hweExactP(counts.het[j]!, counts.hom0[j]!, counts.hom2[j]!, options);
  return p;
}

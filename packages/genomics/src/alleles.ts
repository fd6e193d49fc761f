// Allele coding. Every call in every format becomes a count of the panel's B allele (0/1/2) or
// MISSING. Illumina reports a call in one of five allele sets; the panel knows each SNP's A and B
// allele in every set, and a call is coded by comparing its letters with the panel's letters for
// that set, nothing else. In particular strand-ambiguous A/T and C/G SNPs are never "fixed" by
// complementing a call that does not match: a mismatch is a mismatch and becomes MISSING.

/** The allele sets Illumina reports; "ab" is the A/B designation itself. */
export type AlleleSet = "ab" | "top" | "forward" | "plus" | "design";

export const ALLELE_SETS: readonly AlleleSet[] = ["ab", "top", "forward", "plus", "design"];

/** Column suffix Illumina uses for each allele set ("Allele1 - Top"). */
export const ALLELE_SET_LABEL: Record<AlleleSet, string> = {
  ab: "AB",
  top: "Top",
  forward: "Forward",
  plus: "Plus",
  design: "Design",
};

/** An allele pair in one allele set: [A allele, B allele]. */
export type AllelePair = readonly [string, string];

const COMPLEMENT: Record<string, string> = {
  A: "T",
  T: "A",
  C: "G",
  G: "C",
  I: "I",
  D: "D",
  N: "N",
  "-": "-",
  "0": "0",
};

/** Watson-Crick complement of one allele (I/D and unknown letters stay as they are). */
export function complement(allele: string): string {
  return COMPLEMENT[allele] ?? allele;
}

/** Complements both alleles of a pair, keeping the A/B positions: the A allele stays first. */
export function complementPair(p: AllelePair): AllelePair {
  return [complement(p[0]), complement(p[1])];
}

/** Parses an Illumina SNP field such as "[A/G]" into its alleles; undefined if it is not one. */
export function parseSnpField(s: string): AllelePair | undefined {
  const m = /^\[?\s*([A-Za-z0-9-]+)\s*\/\s*([A-Za-z0-9-]+)\s*\]?$/.exec(s.trim());
  if (!m) return undefined;
  return [m[1]!.toUpperCase(), m[2]!.toUpperCase()];
}

/** True for A/T and C/G SNPs, whose strand cannot be told from the alleles. */
export function isStrandAmbiguous(a: string, b: string): boolean {
  return complement(a) === b;
}

export interface StrandInfo {
  /** Illumina's design alleles: the SNP column, on the probe (IlmnStrand) strand. */
  design: AllelePair;
  /** TOP/BOT of the probe strand (IlmnStrand). */
  ilmnStrand?: string | undefined;
  /** TOP/BOT of the submitted source sequence (SourceStrand). */
  sourceStrand?: string | undefined;
  /** +/- of the probe strand against the reference genome (RefStrand). */
  refStrand?: string | undefined;
}

/**
 * Derives the Top, Forward and Plus alleles from Illumina's design alleles and strand columns,
 * complementing each allele in place so that position 0 always stays the A allele:
 * Top = design on a TOP probe, its complement on a BOT probe; Forward = Top when the source
 * sequence is TOP, else its complement; Plus = design when RefStrand is +, else its complement.
 * Sets that cannot be derived (strand column absent or not TOP/BOT, +/-) are left undefined.
 */
export function deriveAlleleSets(s: StrandInfo): {
  design: AllelePair;
  top?: AllelePair;
  forward?: AllelePair;
  plus?: AllelePair;
} {
  const out: { design: AllelePair; top?: AllelePair; forward?: AllelePair; plus?: AllelePair } = { design: s.design };
  const ilmn = s.ilmnStrand?.toUpperCase();
  if (ilmn === "TOP" || ilmn === "T") out.top = s.design;
  else if (ilmn === "BOT" || ilmn === "B") out.top = complementPair(s.design);
  const source = s.sourceStrand?.toUpperCase();
  if (out.top && (source === "TOP" || source === "T")) out.forward = out.top;
  else if (out.top && (source === "BOT" || source === "B")) out.forward = complementPair(out.top);
  if (s.refStrand === "+") out.plus = s.design;
  else if (s.refStrand === "-") out.plus = complementPair(s.design);
  return out;
}

/** Byte values that mean "no call" in Illumina, PLINK and VCF files: "-", "0" and ".". */
const NO_CALL = new Uint8Array(256);
NO_CALL[45] = 1; // '-'
NO_CALL[48] = 1; // '0'
NO_CALL[46] = 1; // '.'

/** 256-entry table: upper-cases letters and maps PLINK's numeric 1/2/3/4 to A/C/G/T. */
export const NORMALISE_ALLELE = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i;
  for (let i = 97; i <= 122; i++) t[i] = i - 32;
  t[49] = 65; // 1 -> A
  t[50] = 67; // 2 -> C
  t[51] = 71; // 3 -> G
  t[52] = 84; // 4 -> T
  return t;
})();

/** Same as NORMALISE_ALLELE without the numeric mapping (for files whose alleles are digits on purpose). */
export const UPPERCASE_ALLELE = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i;
  for (let i = 97; i <= 122; i++) t[i] = i - 32;
  return t;
})();

export function isNoCall(byte: number): boolean {
  return NO_CALL[byte] === 1;
}

/** Result of coding one allele pair: a count 0/1/2, MISSING (-1) for a no-call, BAD (-2) when a letter is not the SNP's. */
export const BAD_CALL = -2;

/**
 * Codes a call given as two allele bytes against a SNP's A and B bytes. Returns 0/1/2, -1 (no call)
 * or BAD_CALL. Either allele being a no-call makes the call missing.
 */
export function countFromAlleles(x1: number, x2: number, a: number, b: number): number {
  if (NO_CALL[x1] === 1 || NO_CALL[x2] === 1) return -1;
  const c1 = x1 === b ? 1 : x1 === a ? 0 : -9;
  const c2 = x2 === b ? 1 : x2 === a ? 0 : -9;
  const c = c1 + c2;
  return c < 0 ? BAD_CALL : c;
}

/** Single ASCII byte of a one-letter allele, 0 when the allele is not a single character. */
export function alleleByte(allele: string | undefined): number {
  return allele !== undefined && allele.length === 1 ? NORMALISE_ALLELE[allele.charCodeAt(0) & 255]! : 0;
}

// Parent discovery: every candidate of the right sex and a plausible age is compared with the
// offspring by opposing homozygotes. Candidates with enough common SNPs for a verdict are ranked
// first — by status (verified, doubtful, excluded), then conflict rate, then more common SNPs — and
// those with too few common SNPs ("insufficient") after them, however few conflicts they show:
// 0 conflicts on 50 SNPs proves nothing and must not push a verified parent down or out of the list.
// In chip mode the status follows the rate, so this is rate order; in panel mode the status follows
// the conflict count, and a verified candidate stays above a doubtful one with a lower rate.
import { bytesPerSample, type PackedMatrix } from "../pack";
import { countOpposingHomozygotes, maskedRow } from "./opposing-homozygotes";
import { classifyParentage, type ParentageCheck, type ParentageOptions, type ParentageStatus } from "./verify";

export type Sex = "male" | "female";

export interface ParentCandidate {
  /** Row of the candidate in the candidates' matrix. */
  readonly row: number;
  readonly sex: Sex;
  readonly birthDate: Date;
}

export interface DiscoveryOptions extends ParentageOptions {
  /** "sire" looks among males, "dam" among females. */
  readonly parent: "sire" | "dam";
  /** The candidate must be at least this old (days) when the offspring is born. Default MIN_PARENT_AGE_DAYS. */
  readonly minParentAgeDays?: number;
  /** And at most this old. Default: no limit (semen keeps for decades). */
  readonly maxParentAgeDays?: number;
  /** How many of the best-ranked candidates to report (matches are always reported). Default 10. */
  readonly report?: number;
}

export interface RankedCandidate extends ParentageCheck {
  readonly row: number;
}

export interface DiscoveryResult {
  /**
   * Candidates that passed sex and age and had at least one common SNP: best first (see the ranking
   * above; "insufficient" ones last), up to `report` but always including every match.
   */
  readonly ranked: readonly RankedCandidate[];
  /** Ranked candidates whose status is "verified". */
  readonly matches: readonly RankedCandidate[];
  /** Candidates compared (after the sex and age filter). */
  readonly compared: number;
}

const DAY_MS = 86_400_000;

/** The youngest a parent can be when its offspring is born, by default: 540 days, about 18 months. */
export const MIN_PARENT_AGE_DAYS = 540;

/** Ranking order of the statuses: verdicts first, "insufficient" (too few common SNPs) last. */
const STATUS_RANK: Record<ParentageStatus, number> = { verified: 0, doubtful: 1, excluded: 2, insufficient: 3 };

/**
 * The discovery ranking as a sort comparator (best first): for callers that search a large pool in
 * batches and merge each batch's best.
 */
export function compareParentCandidates(x: ParentageCheck, y: ParentageCheck): number {
  return STATUS_RANK[x.status] - STATUS_RANK[y.status] || x.rate - y.rate || y.common - x.common;
}

/**
 * Searches `candidates` (rows of `pool`) for the parent of `offspringRow` of `offspringMatrix`
 * (the two may be the same matrix; both on the same panel).
 */
export function discoverParents(
  offspringMatrix: PackedMatrix,
  offspringRow: number,
  offspringBirthDate: Date,
  pool: PackedMatrix,
  candidates: readonly ParentCandidate[],
  options: DiscoveryOptions,
): DiscoveryResult {
  if (pool.nSnps !== offspringMatrix.nSnps)
    throw new RangeError("parentage: offspring and candidates are on different panels");
  if (!Number.isInteger(offspringRow) || offspringRow < 0 || offspringRow >= offspringMatrix.nSamples)
    throw new RangeError(`parentage: offspring row ${offspringRow} outside 0..${offspringMatrix.nSamples - 1}`);
  const stride = bytesPerSample(pool.nSnps);
  const query = maskedRow(
    offspringMatrix.data.subarray(offspringRow * stride, (offspringRow + 1) * stride),
    pool.nSnps,
    options.snpMask,
  );
  const wantSex: Sex = options.parent === "sire" ? "male" : "female";
  const minAge = (options.minParentAgeDays ?? MIN_PARENT_AGE_DAYS) * DAY_MS;
  const maxAge = (options.maxParentAgeDays ?? Number.POSITIVE_INFINITY) * DAY_MS;
  const born = offspringBirthDate.getTime();
  const all: RankedCandidate[] = [];
  let compared = 0;
  for (const c of candidates) {
    if (c.sex !== wantSex) continue;
    const age = born - c.birthDate.getTime();
    if (!(age >= minAge && age <= maxAge)) continue;
    if (!Number.isInteger(c.row) || c.row < 0 || c.row >= pool.nSamples)
      throw new RangeError(`parentage: candidate row ${c.row} outside 0..${pool.nSamples - 1}`);
    compared++;
    const { conflicts, common } = countOpposingHomozygotes(query, pool.data, c.row * stride);
    if (common === 0) continue;
    all.push({ row: c.row, ...classifyParentage(conflicts, common, options.mode, options.thresholds) });
  }
  all.sort(compareParentCandidates);
  const matches = all.filter((r) => r.status === "verified");
  return { ranked: all.slice(0, Math.max(options.report ?? 10, matches.length)), matches, compared };
}

// Parent verification by opposing homozygotes, ICAR rules (thresholds configurable):
//  * parentage panel (ISAG/ICAR core SNPs, caller says so): 0-2 conflicts accept, 3-5 doubtful,
//    more than 5 exclude (fewer than minCommonPanel SNPs called in both: insufficient);
//  * full chip: conflict rate = conflicts / SNPs called in both, with at least minCommonChip (400)
//    common SNPs: <= 0.5 % verified, <= 2 % doubtful, above excluded; too few common SNPs: insufficient.
import { bytesPerSample, type PackedMatrix } from "../pack";
import { countOpposingHomozygotes, maskedRow } from "./opposing-homozygotes";

export type ParentageMode = "panel" | "chip";
export type ParentageStatus = "verified" | "doubtful" | "excluded" | "insufficient";

export interface ParentageThresholds {
  /** Panel mode: at most this many conflicts is accepted. Default 2. */
  readonly panelAcceptMax: number;
  /** Panel mode: at most this many is doubtful, more is excluded. Default 5. */
  readonly panelDoubtfulMax: number;
  /** Panel mode: fewer common SNPs is insufficient. Default 80 (of the 100-200 ISAG SNPs). */
  readonly minCommonPanel: number;
  /** Chip mode: fewer common SNPs is insufficient. Default 400. */
  readonly minCommonChip: number;
  /** Chip mode: conflict rate at most this is verified. Default 0.005. */
  readonly chipVerifiedMaxRate: number;
  /** Chip mode: at most this is doubtful, above is excluded. Default 0.02. */
  readonly chipDoubtfulMaxRate: number;
}

export const ICAR_PARENTAGE_THRESHOLDS: ParentageThresholds = {
  panelAcceptMax: 2,
  panelDoubtfulMax: 5,
  minCommonPanel: 80,
  minCommonChip: 400,
  chipVerifiedMaxRate: 0.005,
  chipDoubtfulMaxRate: 0.02,
};

export interface ParentageOptions {
  readonly mode: ParentageMode;
  /** SNPs used (1), e.g. the ISAG core SNPs in panel mode or SNPs passing QC; default all. */
  readonly snpMask?: Uint8Array;
  readonly thresholds?: Partial<ParentageThresholds>;
}

export interface ParentageCheck {
  readonly conflicts: number;
  readonly common: number;
  /** conflicts / common (NaN with no common SNPs). */
  readonly rate: number;
  readonly status: ParentageStatus;
}

export function classifyParentage(
  conflicts: number,
  common: number,
  mode: ParentageMode,
  thresholds: Partial<ParentageThresholds> = {},
): ParentageCheck {
  const t = { ...ICAR_PARENTAGE_THRESHOLDS, ...thresholds };
  const rate = common === 0 ? Number.NaN : conflicts / common;
  let status: ParentageStatus;
  if (mode === "panel") {
    if (common < t.minCommonPanel) status = "insufficient";
    else if (conflicts <= t.panelAcceptMax) status = "verified";
    else if (conflicts <= t.panelDoubtfulMax) status = "doubtful";
    else status = "excluded";
  } else if (common < t.minCommonChip) status = "insufficient";
  else if (rate <= t.chipVerifiedMaxRate) status = "verified";
  else if (rate <= t.chipDoubtfulMaxRate) status = "doubtful";
  else status = "excluded";
  return { conflicts, common, rate, status };
}

/** Checks one recorded parent (rows of m) against an offspring. */
export function verifyParent(
  m: PackedMatrix,
  offspring: number,
  parent: number,
  options: ParentageOptions,
): ParentageCheck {
  return verifyParents(m, [{ offspring, parent }], options)[0]!;
}

/** Checks many (offspring, recorded parent) pairs on one matrix. */
export function verifyParents(
  m: PackedMatrix,
  pairs: readonly { offspring: number; parent: number }[],
  options: ParentageOptions,
): ParentageCheck[] {
  const stride = bytesPerSample(m.nSnps);
  const out: ParentageCheck[] = [];
  let lastOffspring = -1;
  let query: Uint8Array = new Uint8Array(0);
  for (const { offspring, parent } of pairs) {
    for (const i of [offspring, parent])
      if (!Number.isInteger(i) || i < 0 || i >= m.nSamples)
        throw new RangeError(`parentage: row ${i} outside 0..${m.nSamples - 1}`);
    if (offspring !== lastOffspring) {
      query = maskedRow(m.data.subarray(offspring * stride, (offspring + 1) * stride), m.nSnps, options.snpMask);
      lastOffspring = offspring;
    }
    const { conflicts, common } = countOpposingHomozygotes(query, m.data, parent * stride);
    out.push(classifyParentage(conflicts, common, options.mode, options.thresholds));
  }
  return out;
}

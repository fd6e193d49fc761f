// Pure helpers of the GBV pages: how a breeding value, a reliability and a percentile read, the bars'
// widths and colours, chart data from the API's answers, and the REST download addresses.
import type { BreedDistribution, GbvPrediction, RankingQuery } from "./types";

/** Decimals that keep a GBV readable at its scale: 412 kg, 12.5 d, 1.23 %, 0.042. */
export function gbvDecimals(value: number): number {
  const a = Math.abs(value);
  if (a >= 100) return 0;
  if (a >= 10) return 1;
  if (a >= 0.1) return 2;
  return 3;
}

/** A breeding value with its sign (a GBV is a deviation from the base) and unit: "+412 kg", "−1.23 %". */
export function formatGbv(value: number, unit?: string): string {
  const decimals = gbvDecimals(value);
  const rounded = Number(value.toFixed(decimals));
  const sign = rounded > 0 ? "+" : rounded < 0 ? "−" : "";
  const body = Math.abs(rounded).toLocaleString("en-GB", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return unit ? `${sign}${body} ${unit}` : `${sign}${body}`;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Reliability (0–1) as the bar's width in percent, whole numbers, clamped to 0–100. */
export function reliabilityPercent(reliability: number): number {
  if (!Number.isFinite(reliability)) return 0;
  return clamp(Math.round(reliability * 100), 0, 100);
}

/**
 * Bands breeders use to read a reliability: below 30 % the value barely beats the parent average, 50 %
 * is about a young bull's genomic proof, 70 % and above is daughter-proof territory.
 */
export function reliabilityBand(reliability: number): { label: string; color: string } {
  const pct = reliabilityPercent(reliability);
  if (pct >= 70) return { label: "high", color: "teal" };
  if (pct >= 50) return { label: "moderate", color: "blue" };
  if (pct >= 30) return { label: "low", color: "yellow" };
  return { label: "very low", color: "red" };
}

/** A percentile (0–100, higher = better whatever the trait's direction) as "top 12 %" or "bottom 30 %". */
export function percentileLabel(percentile: number | null): string {
  if (percentile === null || !Number.isFinite(percentile)) return "—";
  const p = clamp(percentile, 0, 100);
  if (p >= 50) return `top ${Math.max(1, Math.round(100 - p))} %`;
  return `bottom ${Math.max(1, Math.round(p))} %`;
}

/** Width of a percentile bar in percent (at least 2 so the lowest animal still shows a sliver). */
export function percentileWidth(percentile: number | null): number {
  if (percentile === null || !Number.isFinite(percentile)) return 0;
  return Math.max(2, Math.round(clamp(percentile, 0, 100)));
}

export function percentileColor(percentile: number | null): string {
  if (percentile === null) return "gray";
  if (percentile >= 75) return "teal";
  if (percentile >= 25) return "blue";
  return "orange";
}

/** The history chart's points, oldest first: the current prediction last. */
export function historyPoints(
  current: GbvPrediction | null,
  history: readonly GbvPrediction[],
): { at: string; value: number; reliability: number; version: number }[] {
  const all = [...history, ...(current ? [current] : [])];
  return all
    .map((p) => ({
      at: p.predictedAt,
      value: p.value,
      reliability: reliabilityPercent(p.reliability),
      version: p.modelVersion,
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * One histogram's bars for a bar chart: one row per bin, a column per breed (the API's bins share
 * their edges across breeds, so they line up), labelled by the bin's midpoint.
 */
export function histogramRows(breeds: readonly BreedDistribution[], unit?: string): Record<string, string | number>[] {
  const first = breeds[0];
  if (!first) return [];
  return first.histogram.map((bin, i) => {
    const row: Record<string, string | number> = { bin: formatGbv((bin.from + bin.to) / 2, unit) };
    for (const b of breeds) row[b.breed] = b.histogram[i]?.count ?? 0;
    return row;
  });
}

/** Query string of a ranking request for the REST export (undefined and empty values left out). */
export function rankingExportUrl(q: RankingQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  return `/api/v1/gbv/ranking/export?${params.toString()}`;
}

/** The animal's genomic report (PDF) over REST; the session cookie authorises it. */
export function reportUrl(animalId: string, customerId?: string): string {
  const q = customerId ? `?customerId=${encodeURIComponent(customerId)}` : "";
  return `/api/v1/gbv/reports/${encodeURIComponent(animalId)}${q}`;
}

/** Cross-validation figures to two decimals, "—" when the training did not report them. */
export function formatCorrelation(value: number | null | undefined): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(3) : "—";
}

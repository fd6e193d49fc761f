// Calendar dates travel as ISO strings (YYYY-MM-DD): they mean a day on the farm, not an instant,
// and they survive JSON, REST and the OpenAPI document unchanged. Browser-safe.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date in YYYY-MM-DD form. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * The latest date that is not "in the future" anywhere: today in the easternmost time zone (UTC+14),
 * so a calf born today on any farm is accepted whatever the server's clock zone.
 */
export function latestAllowedDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

export const isFutureDate = (s: string, now: Date = new Date()): boolean => s > latestAllowedDate(now);

export const toIsoDate = (d: Date): string => d.toISOString().slice(0, 10);
export const fromIsoDate = (s: string): Date => new Date(`${s}T00:00:00Z`);

// Dates as staff read them: "12 Mar 2026, 14:05" in the browser's time zone.
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" });

export function formatDateTime(d: Date | null | undefined): string {
  return d ? dateTime.format(d) : "—";
}

export function formatDate(d: Date | null | undefined): string {
  return d ? dateOnly.format(d) : "—";
}

// Field rules the importer applies to one cell, each returning the normalised value or a reason.
// Official IDs, breed codes, dates and NAAB codes are the animals and bulls modules' own rules; only the
// spreadsheet leniency (F/M, "died", 2020/01/31) is added here.
import { parseNaabCode } from "../../bulls/schemas";
import { isFutureDate, isIsoDate, latestAllowedDate } from "../dates";
import { parseOfficialId as officialId } from "../official-id";
import { ANIMAL_STATUSES, breedSchema, type AnimalStatus } from "../schemas";

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/** The animals module's official-ID rule, as a Parsed. */
export function parseOfficialId(raw: string): Parsed<string> {
  const r = officialId(raw.replace(/[.\-_/]/g, ""));
  return r.ok ? ok(r.value) : fail(r.error);
}

/** The catalogue's NAAB rule (bulls/schemas); leading zeros of the stud code ("007HO…") dropped first. */
export function parseNaab(raw: string): Parsed<string> {
  const r = parseNaabCode(raw.replace(/^\s*0+(?=[0-9])/, "").replace(/-/g, ""));
  return r.ok ? ok(r.value) : fail(r.error);
}

export function parseBreed(raw: string): Parsed<string> {
  const r = breedSchema.safeParse(raw);
  return r.success ? ok(r.data) : fail(r.error.issues[0]?.message ?? "unknown breed code");
}

export function parseSex(raw: string): Parsed<"female" | "male"> {
  const v = raw.toLowerCase().trim();
  if (["f", "female", "cow", "heifer"].includes(v)) return ok("female");
  if (["m", "male", "bull", "steer"].includes(v)) return ok("male");
  return fail("not a sex: use F or M");
}

export type Status = AnimalStatus;

export function parseStatus(raw: string): Parsed<Status> {
  const v = raw.toLowerCase().trim();
  if (v === "" || v === "active" || v === "alive" || v === "in herd") return ok("active");
  if (v === "sold") return ok("sold");
  if (v === "dead" || v === "died") return ok("dead");
  if (v === "culled" || v === "cull") return ok("culled");
  return fail(`not a status: use ${ANIMAL_STATUSES.join(", ")}`);
}

export const EARLIEST_DATE = "1900-01-01";

/** YYYY-MM-DD (also / or . separated, or an ISO timestamp's date); a real calendar day, not in the future. */
export function parseDate(raw: string, now: Date): Parsed<string> {
  const m = raw.trim().match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/);
  if (!m) return fail("not a date: use YYYY-MM-DD");
  const iso = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  if (!isIsoDate(iso)) return fail("not a calendar date");
  if (isFutureDate(iso, now)) return fail(`is in the future (latest allowed: ${latestAllowedDate(now)})`);
  if (iso < EARLIEST_DATE) return fail(`is before ${EARLIEST_DATE}`);
  return ok(iso);
}

export function parseText(raw: string, max: number): Parsed<string | null> {
  const v = raw.trim();
  if (v.length > max) return fail(`longer than ${max} characters`);
  return ok(v === "" ? null : v);
}

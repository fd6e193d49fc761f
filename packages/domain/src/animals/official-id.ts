// Official animal IDs. Two forms are accepted, normalised to upper case without spaces:
//   17 characters: breed (2 letters) + ISO 3166 numeric country (3 digits) + 12 digits, e.g. HO840003000000001
//   19 characters (Interbull): breed (3 letters) + ISO 3166 alpha-3 country + sex (M/F) + 12 letters or digits,
//                              e.g. HOLUSAM000123456789
// Browser-safe: the SPA, the API and the importer share it.
import { ISO_ALPHA3, ISO_NUMERIC } from "./countries";

export type OfficialIdForm = "national" | "interbull";
export type OfficialIdResult =
  | { ok: true; value: string; form: OfficialIdForm; sex: "male" | "female" | null }
  | { ok: false; value: string; error: string };

/** Trims, strips spaces and upper-cases. */
export const normaliseOfficialId = (raw: string): string => raw.replace(/\s+/g, "").toUpperCase();

/** Parses and validates an official ID; the error says exactly what is wrong. */
export function parseOfficialId(raw: string): OfficialIdResult {
  const value = normaliseOfficialId(raw);
  const fail = (error: string): OfficialIdResult => ({ ok: false, value, error });
  if (value.length === 0) return fail("Official ID is required");
  if (value.length === 17) {
    if (!/^[A-Z]{2}/.test(value)) return fail(`Official ID ${value}: characters 1–2 must be a breed code (2 letters)`);
    const country = value.slice(2, 5);
    if (!/^[0-9]{3}$/.test(country))
      return fail(`Official ID ${value}: characters 3–5 must be a numeric country code (3 digits), got "${country}"`);
    if (!ISO_NUMERIC.has(country))
      return fail(`Official ID ${value}: country code ${country} is not an ISO 3166 numeric code`);
    if (!/^[0-9]{12}$/.test(value.slice(5))) return fail(`Official ID ${value}: characters 6–17 must be 12 digits`);
    return { ok: true, value, form: "national", sex: null };
  }
  if (value.length === 19) {
    if (!/^[A-Z]{3}/.test(value))
      return fail(`Official ID ${value}: characters 1–3 must be an Interbull breed code (3 letters)`);
    const country = value.slice(3, 6);
    if (!/^[A-Z]{3}$/.test(country))
      return fail(`Official ID ${value}: characters 4–6 must be a country code (3 letters), got "${country}"`);
    if (!ISO_ALPHA3.has(country))
      return fail(`Official ID ${value}: country code ${country} is not an ISO 3166 alpha-3 code`);
    const sex = value[6];
    if (sex !== "M" && sex !== "F")
      return fail(`Official ID ${value}: character 7 must be the sex, M or F, got "${sex ?? ""}"`);
    if (!/^[0-9A-Z]{12}$/.test(value.slice(7)))
      return fail(`Official ID ${value}: characters 8–19 must be 12 letters or digits`);
    return { ok: true, value, form: "interbull", sex: sex === "M" ? "male" : "female" };
  }
  return fail(`Official ID must be 17 or 19 characters (got ${value.length}: "${value}")`);
}

/** For Interbull IDs, the sex letter must match the animal's sex; null when consistent. */
export function officialIdSexError(officialId: string, sex: "male" | "female"): string | null {
  const parsed = parseOfficialId(officialId);
  if (!parsed.ok || parsed.sex === null || parsed.sex === sex) return null;
  return `Official ID ${parsed.value} marks a ${parsed.sex} (${parsed.sex === "male" ? "M" : "F"}) but the animal is ${sex}`;
}

// How the animals module's codes read on screen.
import { BREEDS, type AnimalStatus, type Sex } from "@reprotech/domain/schemas";

export const SEX_LABELS: Record<Sex, string> = { female: "Female", male: "Male" };

export const STATUS_LABELS: Record<AnimalStatus, string> = {
  active: "Active",
  sold: "Sold",
  dead: "Dead",
  culled: "Culled",
};

export const STATUS_COLORS: Record<AnimalStatus, string> = {
  active: "teal",
  sold: "blue",
  dead: "gray",
  culled: "orange",
};

export const breedOptions = Object.entries(BREEDS).map(([code, label]) => ({
  value: code,
  label: `${code} — ${label}`,
}));

export function breedLabel(code: string): string {
  return (BREEDS as Record<string, string>)[code] ?? code;
}

/** "HO840003000000001 · 1234 · Bella": the ways a farmer recognises an animal. */
export function animalLabel(a: { officialId: string | null; herdTag?: string | null; name?: string | null }): string {
  return [a.officialId, a.herdTag, a.name].filter(Boolean).join(" · ");
}

/** The pedigree inbreeding coefficient as a percentage ("3.13 %"). */
export function formatInbreeding(f: number): string {
  return `${(f * 100).toFixed(f === 0 ? 0 : 2)} %`;
}

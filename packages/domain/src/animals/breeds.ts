// Breed codes an animal (and a catalogue bull) may carry: the two-letter dairy breed codes used in
// official IDs and NAAB codes. Browser-safe; the database CHECK only guards the shape (^[A-Z]{2}$).
export const BREEDS = {
  HO: "Holstein",
  JE: "Jersey",
  BS: "Brown Swiss",
  AY: "Ayrshire",
  GU: "Guernsey",
  MS: "Milking Shorthorn",
  RW: "Red and White",
  XX: "Crossbred",
} as const;

export type BreedCode = keyof typeof BREEDS;
export const BREED_CODES = Object.keys(BREEDS) as [BreedCode, ...BreedCode[]];

export const isBreedCode = (code: string): code is BreedCode => Object.hasOwn(BREEDS, code);

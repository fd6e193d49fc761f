// The place on the animal's Genomics tab where its genomic breeding values will show. GBV (the
// genomic evaluations issue) is not built here: this slot renders nothing until that panel replaces
// it, so the genotype part of the tab does not need to change when it arrives.
import type { GenotypeSummary } from "../../trpc";

export interface GbvSlotProps {
  animalId: string;
  customerId: string;
  /** The animal's genotypes, so the GBV panel can say "not genotyped" without another call. */
  genotypes: GenotypeSummary;
}

export function GbvSlot(_props: GbvSlotProps) {
  return null;
}

// The place on the animal's Genomics tab where its genomic breeding values show: the GBV panel
// (pages/gbv/GbvPanel.tsx), for users who read GBVs. The genotypes the tab already loaded tell the
// panel whether the animal is genotyped at all, so it can say why there is no value without a call.
import { useCan } from "../../auth/me";
import type { GenotypeSummary } from "../../trpc";
import { GbvPanel } from "../gbv/GbvPanel";

export interface GbvSlotProps {
  animalId: string;
  customerId: string;
  /** The animal's genotypes, so the GBV panel can say "not genotyped" without another call. */
  genotypes: GenotypeSummary;
}

export function GbvSlot({ animalId, customerId, genotypes }: GbvSlotProps) {
  const can = useCan();
  if (!can("gbv.read")) return null;
  return <GbvPanel animalId={animalId} customerId={customerId} genotyped={genotypes.current.length > 0} />;
}

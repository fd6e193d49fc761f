// The genomic evaluation pages' own tabs: rankings and distributions for everyone who reads GBVs, the
// model management only for researchers and admins (gbv.models.manage or gbv.train; the server refuses
// the writes to everyone else whatever this shows).
import { Group } from "@mantine/core";
import { useCan } from "../../auth/me";
import { RouterButton } from "../../layout/RouterLinks";

export function useMayManageModels(): boolean {
  const can = useCan();
  return can("gbv.models.manage") || can("gbv.train");
}

export function GbvSections({ active }: { active: "rankings" | "distribution" | "models" }) {
  const manage = useMayManageModels();
  const variant = (id: typeof active) => (id === active ? "light" : "subtle");
  return (
    <Group gap="xs" data-testid="gbv-sections">
      <RouterButton to="/gbv" variant={variant("rankings")} size="xs" data-testid="gbv-section-rankings">
        Rankings
      </RouterButton>
      <RouterButton
        to="/gbv/distribution"
        variant={variant("distribution")}
        size="xs"
        data-testid="gbv-section-distribution"
      >
        Distributions
      </RouterButton>
      {manage && (
        <RouterButton to="/gbv/models" variant={variant("models")} size="xs" data-testid="gbv-section-models">
          Models
        </RouterButton>
      )}
    </Group>
  );
}

// The model pages for a role without gbv.models.manage / gbv.train: said before any call (the server
// refuses the writes anyway).
import { Stack, Text, Title } from "@mantine/core";
import { RouterButton } from "../../layout/RouterLinks";

export function ForbiddenModels() {
  return (
    <Stack gap="sm" maw={640} data-testid="forbidden-state" data-refusal="forbidden">
      <Title order={3}>Not allowed</Title>
      <Text c="dimmed">
        GBV models are managed by researchers and administrators. Rankings and values are under Genomic evaluations.
      </Text>
      <div>
        <RouterButton to="/gbv" variant="default">
          Back to genomic evaluations
        </RouterButton>
      </div>
    </Stack>
  );
}

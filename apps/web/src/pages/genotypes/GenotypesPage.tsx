// /genomics: the genotype uploads the signed-in user's farms have (genotypes.read), and for lab staff
// (genotypes.upload) the way to send a new file. Staff reaching several farms narrow the list by farm.
import { Card, Stack, Title, Group } from "@mantine/core";
import { useState } from "react";
import { useCan } from "../../auth/me";
import { PageHeader } from "../../components/PageHeader";
import { RouterButton } from "../../layout/RouterLinks";
import { FarmFilter } from "../animals/FarmFilter";
import { useFarms } from "../animals/useFarms";
import { UploadHistory } from "./UploadHistory";

export function GenotypesPage() {
  const can = useCan();
  const farms = useFarms();
  const [farm, setFarm] = useState<string | null>(null);
  return (
    <Stack gap="lg" maw={1300} data-testid="genotypes-page">
      <PageHeader
        title="Genomics"
        description="SNP genotype uploads: matching to animals, quality control and parentage, sample by sample."
        action={
          can("genotypes.upload") && (
            <RouterButton to="/genomics/upload" data-testid="open-genotype-upload">
              Upload genotypes
            </RouterButton>
          )
        }
      />
      <Card withBorder padding="lg">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Title order={3} size="h4">
            Uploads
          </Title>
          <FarmFilter
            farms={farms}
            value={farm}
            onChange={setFarm}
            placeholder="All farms"
            width={280}
            testId="uploads-farm-filter"
          />
        </Group>
        <UploadHistory customerId={farm ?? undefined} showFarm={farms.staff} />
      </Card>
    </Stack>
  );
}

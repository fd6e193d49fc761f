// Drag and drop (or click to choose) one genotype file. No extension or MIME check here: lab files
// come as .txt, .csv, .vcf, .ped or without extension, and the server sniffs the format from content.
import "@mantine/dropzone/styles.css";
import { Group, Stack, Text } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { formatBytes } from "./progress";

interface Props {
  file: File | null;
  onFile: (file: File) => void;
  disabled?: boolean;
}

export function GenotypeDropzone({ file, onFile, disabled }: Props) {
  return (
    <Dropzone
      onDrop={(files) => files[0] && onFile(files[0])}
      multiple={false}
      disabled={disabled}
      data-testid="genotype-dropzone"
      inputProps={{ "data-testid": "genotype-file-input" } as React.InputHTMLAttributes<HTMLInputElement>}
    >
      <Stack gap={4} align="center" py="lg" style={{ pointerEvents: "none" }}>
        <Dropzone.Idle>
          <Text fw={600}>Drop the genotype file here, or click to choose it</Text>
        </Dropzone.Idle>
        <Dropzone.Accept>
          <Text fw={600}>Drop to use this file</Text>
        </Dropzone.Accept>
        <Dropzone.Reject>
          <Text fw={600} c="red">
            One file at a time
          </Text>
        </Dropzone.Reject>
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            Illumina FinalReport, VCF with GT, or PLINK .ped — one animal or a whole plate.
          </Text>
        </Group>
        {file && (
          <Text size="sm" data-testid="genotype-file-name">
            {file.name} · {formatBytes(file.size)}
          </Text>
        )}
      </Stack>
    </Dropzone>
  );
}

// A drop zone for one CSV or XLSX file (or click to choose it). The file is checked by the server;
// here only the extension is, so a wrong pick is caught before it uploads.
import { Group, Paper, Stack, Text } from "@mantine/core";
import { useRef, useState } from "react";

export const ACCEPTED = [".csv", ".xlsx"];

interface FileDropProps {
  onFile: (file: File) => void;
  disabled?: boolean;
  label?: string;
}

export function FileDrop({
  onFile,
  disabled,
  label = "Drop the herd file here, or click to choose it",
}: FileDropProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    if (!ACCEPTED.some((ext) => file.name.toLowerCase().endsWith(ext))) {
      setProblem(`${file.name} is not a CSV or XLSX file.`);
      return;
    }
    setProblem(null);
    onFile(file);
  };
  return (
    <Paper
      withBorder
      radius="md"
      p="xl"
      role="button"
      tabIndex={0}
      aria-disabled={disabled}
      data-testid="import-dropzone"
      onClick={() => !disabled && input.current?.click()}
      onKeyDown={(e) => {
        if (!disabled && (e.key === "Enter" || e.key === " ")) input.current?.click();
      }}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) take(e.dataTransfer.files);
      }}
      style={{
        borderStyle: "dashed",
        borderWidth: 2,
        cursor: disabled ? "not-allowed" : "pointer",
        opacity: disabled ? 0.6 : 1,
        background: over ? "var(--mantine-color-blue-0)" : undefined,
        borderColor: over ? "var(--mantine-color-blue-5)" : undefined,
      }}
    >
      <Stack gap={4} align="center">
        <Text fw={600}>{label}</Text>
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            CSV or XLSX (first sheet), a header row first. Export a list to get the expected columns.
          </Text>
        </Group>
        {problem && (
          <Text size="sm" c="red" role="alert">
            {problem}
          </Text>
        )}
      </Stack>
      <input
        ref={input}
        type="file"
        accept={ACCEPTED.join(",")}
        hidden
        data-testid="import-file-input"
        onChange={(e) => {
          take(e.currentTarget.files);
          e.currentTarget.value = "";
        }}
      />
    </Paper>
  );
}

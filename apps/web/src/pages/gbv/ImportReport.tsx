// What an effects import kept and dropped (the import's answer and the model's provenance share the
// shape): SNPs used, sign flips for the A allele, strand complements, and the dropped SNPs by reason
// with the first names of each.
import { List, Stack, Text } from "@mantine/core";

interface Dropped {
  count: number;
  first: string[];
}
export interface ImportReportView {
  rows: number;
  used: number;
  flipped: number;
  complemented: number;
  dropped: { unknownSnp: Dropped; unknownAllele: Dropped; ambiguous: Dropped };
}

const REASONS: [keyof ImportReportView["dropped"], string][] = [
  ["unknownSnp", "not on the panel"],
  ["unknownAllele", "effect allele not one of the panel's alleles"],
  ["ambiguous", "A/T or C/G SNP: strand cannot be told"],
];

/** The report from a provenance JSON, when it is one (a trained model's provenance is not). */
export function importReportOf(json: unknown): ImportReportView | null {
  if (!json || typeof json !== "object") return null;
  const r = json as Partial<ImportReportView>;
  if (typeof r.used !== "number" || typeof r.rows !== "number" || !r.dropped) return null;
  return r as ImportReportView;
}

export function ImportReport({ report }: { report: ImportReportView }) {
  return (
    <Stack gap={4} data-testid="import-report" data-used={report.used}>
      <Text size="sm">
        {report.used.toLocaleString("en-GB")} of {report.rows.toLocaleString("en-GB")} effects used
        {report.flipped > 0 && ` · ${report.flipped} given for the A allele (sign flipped)`}
        {report.complemented > 0 && ` · ${report.complemented} on the other strand`}
      </Text>
      <List size="sm">
        {REASONS.filter(([k]) => report.dropped[k].count > 0).map(([k, why]) => (
          <List.Item key={k} data-testid={`import-dropped-${k}`}>
            {report.dropped[k].count} dropped: {why} (e.g. {report.dropped[k].first.slice(0, 5).join(", ")})
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

// Reading a stored genotype file with the genomics library on an upload's panel. Pure parsing (no
// database, no cache), so the genotype-parse worker thread (parse-worker.ts) can load it alone.
import { readFinalReport, readPed, readVcf, type PackedMatrix, type SnpPanel } from "@reprotech/genomics";
import type { GenotypeFileFormat } from "./sniff";

export interface ParsedUpload {
  sampleIds: string[];
  genotypes: PackedMatrix;
  /** What the reader passed over in the whole file (SNPs not on the panel), reported on every sample. */
  notes?: string[];
}

/** A few SNPs not on the panel are ignored (most of them refuse the upload: sniff.ts checkPanelFit). */
const unknownSnpNotes = (unknown: number, total: number) =>
  unknown > 0 ? [`${unknown} of the file's ${total} SNPs are not on the panel and were ignored`] : [];

/** Reads a stored genotype file with the library on the upload's panel (also used by assign.ts). */
export async function parseGenotypeFile(
  format: GenotypeFileFormat,
  src: AsyncIterable<Uint8Array>,
  panel: SnpPanel,
): Promise<ParsedUpload> {
  switch (format) {
    case "final_report": {
      // A repeated sample ID is reported on that sample (ingest.ts evaluate), not a reason to fail the file.
      const data = await readFinalReport(src, { panel, duplicateSamples: "keep" });
      const notes = unknownSnpNotes(data.summary.unknownSnps, data.summary.fileSnps);
      return { sampleIds: data.sampleIds, genotypes: data.genotypes, notes };
    }
    case "vcf": {
      const data = await readVcf(src, { panel });
      const notes = unknownSnpNotes(data.skipped.notOnPanel, data.nRecords);
      return { sampleIds: data.samples.map((s) => s.iid), genotypes: data.genotypes, notes };
    }
    case "ped": {
      const data = await readPed(src, panel);
      return { sampleIds: data.samples.map((s) => s.iid), genotypes: data.genotypes };
    }
  }
}

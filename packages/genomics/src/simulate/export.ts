// A simulated population in every file format: PLINK binary and text, VCF, FinalReport, the
// Illumina manifest, and plain TSVs of pedigree (recorded and true), breeding values, phenotypes
// and the planted wrong parents.
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { writeFinalReport, type FinalReportWriteOptions } from "../formats/finalreport-write";
import { formatIlluminaManifest } from "../formats/illumina-manifest";
import { writePlinkBinary } from "../formats/plink-bed";
import { formatMap } from "../formats/plink-map";
import { writePed } from "../formats/plink-ped";
import { writeVcf } from "../formats/vcf";
import type { SimulatedPopulation } from "./population";

export type SimulationFormat = "bed" | "ped" | "vcf" | "finalreport" | "manifest" | "tables";

export const ALL_SIMULATION_FORMATS: readonly SimulationFormat[] = [
  "bed",
  "ped",
  "vcf",
  "finalreport",
  "manifest",
  "tables",
];

/** File name -> contents (text, or a stream of byte chunks for the large ones). */
export type SimulationFiles = Record<string, string | Iterable<Uint8Array>>;

function tsv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.join("\t")).join("\n") + "\n";
}

export function simulationFiles(
  pop: SimulatedPopulation,
  base = "sim",
  formats: readonly SimulationFormat[] = ALL_SIMULATION_FORMATS,
  finalReport: FinalReportWriteOptions = { alleleSets: ["ab", "top", "forward"] },
): SimulationFiles {
  const files: SimulationFiles = {};
  const ids = pop.animals.map((a) => a.id);
  for (const f of formats) {
    if (f === "bed") {
      const b = writePlinkBinary(pop.panel, pop.samples, pop.genotypes);
      files[`${base}.bed`] = b.bed;
      files[`${base}.bim`] = b.bim;
      files[`${base}.fam`] = b.fam;
    } else if (f === "ped") {
      files[`${base}.ped`] = writePed(pop.panel, pop.samples, pop.genotypes);
      files[`${base}.map`] = formatMap(pop.panel);
    } else if (f === "vcf") files[`${base}.vcf`] = writeVcf(pop.panel, pop.samples, pop.genotypes);
    else if (f === "finalreport")
      files[`${base}_FinalReport.txt`] = writeFinalReport(pop.panel, ids, pop.genotypes, finalReport);
    else if (f === "manifest") files[`${base}_manifest.csv`] = formatIlluminaManifest(pop.panel);
    else {
      files[`${base}.pedigree.tsv`] = tsv(
        ["id", "sex", "generation", "sire", "dam", "true_sire", "true_dam"],
        pop.animals.map((a) => [
          a.id,
          a.sex,
          a.generation,
          a.sire ?? "0",
          a.dam ?? "0",
          a.trueSire ?? "0",
          a.trueDam ?? "0",
        ]),
      );
      files[`${base}.tbv.tsv`] = tsv(
        ["id", ...pop.traits.map((t) => t.name)],
        pop.animals.map((a, i) => [a.id, ...pop.tbv.map((v) => v[i]!.toFixed(4))]),
      );
      files[`${base}.phenotypes.tsv`] = tsv(
        ["id", ...pop.traits.map((t) => t.name)],
        pop.animals.map((a, i) => [a.id, ...pop.phenotypes.map((v) => v[i]!.toFixed(4))]),
      );
      files[`${base}.wrong-parents.tsv`] = tsv(
        ["animal", "parent", "recorded", "truth"],
        pop.wrongParents.map((w) => [w.animal, w.parent, w.recorded, w.truth]),
      );
    }
  }
  return files;
}

/** Writes simulationFiles into a directory (created if needed); returns the paths written. */
export async function writeSimulationFiles(
  pop: SimulatedPopulation,
  dir: string,
  base = "sim",
  formats: readonly SimulationFormat[] = ALL_SIMULATION_FORMATS,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [name, content] of Object.entries(simulationFiles(pop, base, formats))) {
    const path = join(dir, name);
    await pipeline(Readable.from(typeof content === "string" ? [content] : content), createWriteStream(path));
    paths.push(path);
  }
  return paths;
}

// The six leading columns PLINK keeps per sample (.fam, and the start of each .ped line).
import { GenotypeFormatError } from "./errors";

export interface SampleInfo {
  /** Family ID (FID). */
  readonly fid: string;
  /** Within-family sample ID (IID): the animal's ID. */
  readonly iid: string;
  /** Father's IID, "0" when unknown. */
  readonly father: string;
  /** Mother's IID, "0" when unknown. */
  readonly mother: string;
  /** 1 = male, 2 = female, 0 = unknown. */
  readonly sex: number;
  /** Phenotype column as written ("-9" or "0" = missing). */
  readonly phenotype: string;
}

/** A sample known only by ID: FID = IID, no parents, unknown sex and phenotype. */
export function sampleInfo(iid: string, fields: Partial<SampleInfo> = {}): SampleInfo {
  return { fid: iid, iid, father: "0", mother: "0", sex: 0, phenotype: "-9", ...fields };
}

export function famLine(s: SampleInfo): string {
  return `${s.fid} ${s.iid} ${s.father} ${s.mother} ${s.sex} ${s.phenotype}`;
}

export function formatFam(samples: readonly SampleInfo[]): string {
  return samples.map((s) => famLine(s) + "\n").join("");
}

export function sampleFromFields(f: readonly string[], line: number): SampleInfo {
  if (f.length < 6)
    throw new GenotypeFormatError(
      "BAD_ROW",
      `expected 6 sample columns (FID IID father mother sex phenotype), found ${f.length}`,
      line,
    );
  const sex = Number(f[4]);
  return {
    fid: f[0]!,
    iid: f[1]!,
    father: f[2]!,
    mother: f[3]!,
    sex: sex === 1 || sex === 2 ? sex : 0,
    phenotype: f[5]!,
  };
}

export function parseFam(text: string): SampleInfo[] {
  const out: SampleInfo[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === "") continue;
    out.push(sampleFromFields(l.split(/[ \t]+/), i + 1));
  }
  return out;
}

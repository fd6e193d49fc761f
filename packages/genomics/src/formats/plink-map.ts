// PLINK marker files: .map (chr, name, cM, bp) and .bim (chr, name, cM, bp, allele 1, allele 2).
// In a .bim written here column 5 is the panel's A allele and column 6 its B allele, so .bed code
// 00 (homozygous for column 5) is B count 0, matching src/pack.ts.
import { SnpPanel, type SnpMarker } from "../panel";
import { GenotypeFormatError } from "./errors";

function cmText(cm: number | undefined): string {
  return cm === undefined ? "0" : String(cm);
}

export function formatMap(panel: SnpPanel): string {
  return panel.markers.map((m) => `${m.chrom}\t${m.name}\t${cmText(m.cm)}\t${m.position}\n`).join("");
}

export function formatBim(panel: SnpPanel): string {
  return panel.markers
    .map((m) => `${m.chrom}\t${m.name}\t${cmText(m.cm)}\t${m.position}\t${m.a || "0"}\t${m.b || "0"}\n`)
    .join("");
}

function parseMarkerLines(text: string, kind: "map" | "bim"): SnpMarker[] {
  const out: SnpMarker[] = [];
  const lines = text.split(/\r?\n/);
  const need = kind === "bim" ? 6 : 4;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === "" || l.startsWith("#")) continue;
    const f = l.split(/[ \t]+/);
    // .map files may have 3 columns (no cM) in old PLINK; accept 3 for .map.
    if (f.length < need && !(kind === "map" && f.length === 3)) {
      throw new GenotypeFormatError("BAD_ROW", `.${kind} line has ${f.length} columns, expected ${need}`, i + 1);
    }
    const threeCol = kind === "map" && f.length === 3;
    const cm = threeCol ? 0 : Number(f[2]);
    const position = Number(threeCol ? f[2] : f[3]);
    if (!Number.isFinite(position) || !Number.isFinite(cm))
      throw new GenotypeFormatError("BAD_ROW", `.${kind} position is not a number`, i + 1);
    out.push({
      chrom: f[0]!,
      name: f[1]!,
      cm: cm === 0 ? undefined : cm,
      position,
      a: kind === "bim" ? f[4]!.toUpperCase() : "",
      b: kind === "bim" ? f[5]!.toUpperCase() : "",
    });
  }
  return out;
}

/** Panel from a .map file; alleles are unknown ("") until a .ped supplies them. */
export function parseMap(text: string): SnpPanel {
  return new SnpPanel(parseMarkerLines(text, "map"));
}

/** Panel from a .bim file; column 5 becomes A, column 6 becomes B. */
export function parseBim(text: string): SnpPanel {
  return new SnpPanel(parseMarkerLines(text, "bim"));
}

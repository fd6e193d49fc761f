// Illumina manifest CSV (.csv export of a .bpm): [Heading] key,value lines, [Assay] with a column
// header row and one row per SNP, then [Controls]. Columns are found by name. The SNP column
// ([A/G]) gives the design alleles on the probe strand; Top/Forward/Plus follow from IlmnStrand,
// SourceStrand and RefStrand (see deriveAlleleSets).
import { deriveAlleleSets, parseSnpField, type AlleleSet } from "../alleles";
import { SnpPanel, type SnpMarker } from "../panel";
import { chunksOf, LineBuffer, text, type ByteSource } from "./bytes";
import { GenotypeFormatError } from "./errors";

export interface ManifestOptions {
  /** Which allele set becomes the panel's A/B letters (written to PLINK/VCF). Default "top"; "ab" keeps A/B. */
  readonly letters?: AlleleSet;
}

export interface Manifest {
  readonly panel: SnpPanel;
  readonly heading: Readonly<Record<string, string>>;
  /** Assay rows skipped (no parseable SNP alleles, e.g. indels with odd notation) by name. */
  readonly skipped: readonly string[];
}

/** Splits one CSV line, honouring double quotes. */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export async function readIlluminaManifest(src: ByteSource, options: ManifestOptions = {}): Promise<Manifest> {
  const lb = new LineBuffer();
  const heading: Record<string, string> = {};
  const markers: SnpMarker[] = [];
  const skipped: string[] = [];
  let section = "";
  let cols: string[] | undefined;
  let ix: Record<string, number> = {};
  const letters = options.letters ?? "top";
  const line = (): void => {
    const d = lb.data;
    for (let i = lb.start; i < lb.end; i++) {
      const c = d[i]!;
      if (c < 9 || (c > 13 && c < 32))
        throw new GenotypeFormatError(
          "BINARY",
          "manifest: binary data (control byte) where text was expected",
          lb.lineNo,
        );
    }
    const raw = text(d, lb.start, lb.end);
    const t = raw.replace(/,+$/, "").trim();
    if (t === "") return;
    if (t.startsWith("[") && t.endsWith("]")) {
      section = t.toLowerCase();
      return;
    }
    if (section === "[heading]") {
      const f = splitCsv(raw);
      heading[f[0]!.trim()] = (f[1] ?? "").trim();
      return;
    }
    if (section !== "[assay]") return;
    const f = splitCsv(raw).map((x) => x.trim());
    if (!cols) {
      cols = f;
      const lc = f.map((c) => c.toLowerCase());
      ix = Object.fromEntries(
        ["name", "chr", "mapinfo", "snp", "ilmnstrand", "sourcestrand", "refstrand", "topgenomicseq", "ilmnid"].map(
          (k) => [k, lc.indexOf(k)],
        ),
      );
      for (const req of ["Name", "Chr", "MapInfo", "SNP"]) {
        if (ix[req.toLowerCase()]! < 0)
          throw new GenotypeFormatError(
            "MISSING_COLUMN",
            `manifest: missing required column "${req}" in [Assay] (columns: ${f.join(", ")})`,
            lb.lineNo,
          );
      }
      return;
    }
    const get = (k: string): string | undefined => (ix[k]! >= 0 ? f[ix[k]!] : undefined);
    const name = get("name") ?? "";
    const design = parseSnpField(get("snp") ?? "");
    if (!name || !design) {
      skipped.push(name || `line ${lb.lineNo}`);
      return;
    }
    const ilmnStrand = get("ilmnstrand");
    const sourceStrand = get("sourcestrand");
    const refStrand = get("refstrand");
    const sets = deriveAlleleSets({ design, ilmnStrand, sourceStrand, refStrand });
    const pair = letters === "ab" ? (["A", "B"] as const) : (sets[letters] ?? sets.design);
    const position = Number(get("mapinfo") ?? "0");
    markers.push({
      name,
      chrom: get("chr") || "0",
      position: Number.isFinite(position) ? position : 0,
      a: pair[0],
      b: pair[1],
      design: sets.design,
      top: sets.top,
      forward: sets.forward,
      plus: sets.plus,
      ilmnStrand,
      sourceStrand,
      refStrand,
      topGenomicSeq: get("topgenomicseq") || undefined,
    });
  };
  for await (const chunk of chunksOf(src)) {
    lb.push(chunk);
    while (lb.next()) line();
  }
  if (lb.finish()) line();
  if (lb.bytesRead === 0) throw new GenotypeFormatError("EMPTY", "manifest: file is empty");
  if (!cols) throw new GenotypeFormatError("NO_DATA", "manifest: no [Assay] section with a column header");
  if (markers.length === 0) throw new GenotypeFormatError("NO_DATA", "manifest: [Assay] has no SNP rows");
  return { panel: new SnpPanel(markers), heading, skipped };
}

/** Writes a minimal manifest CSV for a panel with design alleles and strands (for tests and fixtures). */
export function formatIlluminaManifest(panel: SnpPanel, descriptor = "simulated.bpm"): string {
  const rows = [
    "Illumina, Inc.",
    "[Heading]",
    `Descriptor File Name,${descriptor}`,
    "Assay Format,Infinium HTS",
    `Loci Count ,${panel.size}`,
    "[Assay]",
    "IlmnID,Name,IlmnStrand,SNP,AddressA_ID,GenomeBuild,Chr,MapInfo,SourceStrand,TopGenomicSeq,RefStrand",
  ];
  panel.markers.forEach((m, i) => {
    const design = m.design ?? [m.a, m.b];
    const ilmn = m.ilmnStrand ?? "TOP";
    rows.push(
      `${m.name}-0_${ilmn[0]}_${m.refStrand === "-" ? "R" : "F"}_${1000 + i},${m.name},${ilmn},[${design[0]}/${design[1]}],${10000 + i},0,${m.chrom},${m.position},${m.sourceStrand ?? ilmn},${m.topGenomicSeq ?? ""},${m.refStrand ?? ""}`,
    );
  });
  rows.push("[Controls]", "0027630314:0027630314:0027630314:0027630314,Staining,Red,DNP (High)");
  return rows.join("\r\n") + "\r\n";
}

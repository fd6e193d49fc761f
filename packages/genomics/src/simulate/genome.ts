// Simulated genome: chromosomes with a genetic map and SNP markers, and the panel describing
// them with Illumina-style design alleles and strands (so every allele set can be exercised).
import { deriveAlleleSets, type AllelePair } from "../alleles";
import { SnpPanel, type SnpMarker } from "../panel";
import type { Rng } from "./rng";

export interface ChromosomeSpec {
  readonly name: string;
  /** Physical length in base pairs. */
  readonly lengthBp: number;
  /** Genetic length in Morgans (Haldane map: crossovers per meiosis ~ Poisson(this)). */
  readonly lengthMorgans: number;
}

/** Bovine-like autosomes: 29 chromosomes from 158 Mb down to 43 Mb, 1 cM per Mb. */
export function bovineLikeChromosomes(n = 29): ChromosomeSpec[] {
  const out: ChromosomeSpec[] = [];
  for (let c = 0; c < n; c++) {
    const lengthBp = Math.round(158e6 - (c * (158e6 - 43e6)) / Math.max(1, n - 1));
    out.push({ name: String(c + 1), lengthBp, lengthMorgans: lengthBp / 1e8 });
  }
  return out;
}

export interface SimulatedGenome {
  readonly chromosomes: readonly ChromosomeSpec[];
  readonly panel: SnpPanel;
  /** Genetic position of each marker within its chromosome, in Morgans. */
  readonly morgans: Float64Array;
  /** For chromosome c, its markers are [chromStart[c], chromStart[c + 1]). */
  readonly chromStart: Int32Array;
}

// Top-strand allele pairs in Illumina's convention (A allele first); weights roughly follow
// the transition/transversion mix of bovine SNP chips, with the ambiguous A/T and C/G included.
const TOP_PAIRS: readonly [AllelePair, number][] = [
  [["A", "G"], 0.66],
  [["A", "C"], 0.2],
  [["A", "T"], 0.07],
  [["C", "G"], 0.07],
];

function topPair(rng: Rng): AllelePair {
  let u = rng.float();
  for (const [p, w] of TOP_PAIRS) {
    if (u < w) return p;
    u -= w;
  }
  return TOP_PAIRS[0]![0];
}

const COMP: Record<string, string> = { A: "T", C: "G", G: "C", T: "A" };

/** Places nSnps markers over the chromosomes (in proportion to length, sorted positions) and builds the panel. */
export function simulateGenome(
  rng: Rng,
  nSnps: number,
  chromosomes: readonly ChromosomeSpec[],
  namePrefix = "SNP",
): SimulatedGenome {
  const totalBp = chromosomes.reduce((s, c) => s + c.lengthBp, 0);
  const counts = chromosomes.map((c) => Math.floor((nSnps * c.lengthBp) / totalBp));
  let rest = nSnps - counts.reduce((s, x) => s + x, 0);
  for (let c = 0; rest > 0; c = (c + 1) % counts.length, rest--) counts[c]!++;
  const markers: SnpMarker[] = [];
  const morgans = new Float64Array(nSnps);
  const chromStart = new Int32Array(chromosomes.length + 1);
  let k = 0;
  const width = String(nSnps).length;
  for (let c = 0; c < chromosomes.length; c++) {
    const chr = chromosomes[c]!;
    chromStart[c] = k;
    const n = counts[c]!;
    // Evenly spaced with jitter keeps positions distinct and sorted.
    const step = chr.lengthBp / (n + 1);
    for (let i = 0; i < n; i++) {
      const position = Math.max(1, Math.round(step * (i + 0.5 + rng.float() * 0.98)));
      morgans[k] = (position / chr.lengthBp) * chr.lengthMorgans;
      const top = topPair(rng);
      const ilmnStrand = rng.float() < 0.5 ? "TOP" : "BOT";
      const design: AllelePair = ilmnStrand === "TOP" ? top : [COMP[top[0]]!, COMP[top[1]]!];
      const sourceStrand = rng.float() < 0.5 ? "TOP" : "BOT";
      const refStrand = rng.float() < 0.5 ? "+" : "-";
      const sets = deriveAlleleSets({ design, ilmnStrand, sourceStrand, refStrand });
      markers.push({
        name: `${namePrefix}${String(k + 1).padStart(width, "0")}`,
        chrom: chr.name,
        position,
        a: top[0],
        b: top[1],
        top,
        forward: sets.forward,
        plus: sets.plus,
        design,
        ilmnStrand,
        sourceStrand,
        refStrand,
      });
      k++;
    }
  }
  chromStart[chromosomes.length] = k;
  return { chromosomes, panel: new SnpPanel(markers), morgans, chromStart };
}

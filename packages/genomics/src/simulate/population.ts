// Population simulator: a small historical population drifts for some generations (building
// linkage disequilibrium from independent founder haplotypes), then a recorded pedigree of
// discrete generations is bred from it with few sires per generation (half-sib families), with
// Mendelian inheritance and Haldane recombination. Every animal gets true breeding values and
// phenotypes for the seed traits; some recorded parents are deliberately wrong.
import { bytesPerSample, createPackedMatrix, setCode, type PackedMatrix } from "../pack";
import type { SnpPanel } from "../panel";
import type { SampleInfo } from "../formats/plink-fam";
import { bovineLikeChromosomes, simulateGenome, type ChromosomeSpec, type SimulatedGenome } from "./genome";
import { haplotypeCount, makeGamete, packHaplotypes, wordsPerHaplotype } from "./meiosis";
import { Rng } from "./rng";
import { drawQtl, SEED_TRAITS, type Qtl, type TraitSpec } from "./traits";

export type AlleleFrequencyModel =
  { kind: "uniform"; min: number; max: number } | { kind: "beta"; alpha: number; beta: number };

export interface SimulationOptions {
  readonly seed: number;
  /** Genotyped animals in the recorded pedigree. Default 500. */
  readonly nAnimals?: number;
  /** SNPs on the panel. Default 1000. */
  readonly nSnps?: number;
  /** Recorded generations; generation 0 has unknown parents. Default 4. */
  readonly nGenerations?: number;
  readonly chromosomes?: readonly ChromosomeSpec[];
  /** Minor allele frequency of founder haplotypes. Default uniform on [0.05, 0.5]. */
  readonly alleleFrequency?: AlleleFrequencyModel;
  /** Generations of random mating before the pedigree starts, and that population's size. Defaults 30 and 200. */
  readonly historicalGenerations?: number;
  readonly historicalSize?: number;
  /** Share of each generation's males used as sires. Default 0.05 (at least one). */
  readonly sireFraction?: number;
  /** Probability that a call in the output is missing. Default 0.002. */
  readonly missingRate?: number;
  /** Share of non-founders with one wrong recorded parent. Default 0.02. */
  readonly wrongParentRate?: number;
  readonly traits?: readonly TraitSpec[];
  /** Prefix of animal IDs and the FID of every sample. Default "SIM". */
  readonly idPrefix?: string;
}

export interface SimulatedAnimal {
  readonly id: string;
  readonly generation: number;
  /** 1 male, 2 female. */
  readonly sex: 1 | 2;
  /** Parents as recorded (null for generation 0); may be wrong, see wrongParents. */
  readonly sire: string | null;
  readonly dam: string | null;
  /** The real parents. */
  readonly trueSire: string | null;
  readonly trueDam: string | null;
}

export interface WrongParent {
  readonly animal: string;
  readonly parent: "sire" | "dam";
  readonly recorded: string;
  readonly truth: string;
}

export interface SimulatedPopulation {
  readonly seed: number;
  readonly genome: SimulatedGenome;
  readonly panel: SnpPanel;
  readonly animals: readonly SimulatedAnimal[];
  /** PLINK sample records with the recorded pedigree (FID = idPrefix). */
  readonly samples: readonly SampleInfo[];
  /** One row per animal in `animals` order, with missing calls planted at missingRate. */
  readonly genotypes: PackedMatrix;
  readonly wrongParents: readonly WrongParent[];
  readonly traits: readonly TraitSpec[];
  readonly qtl: readonly Qtl[];
  /** tbv[t][i]: true breeding value of animal i for trait t (base generation mean 0). */
  readonly tbv: readonly Float64Array[];
  /** phenotypes[t][i] = mean + tbv + environmental noise. */
  readonly phenotypes: readonly Float64Array[];
  /** B-allele frequency each founder haplotype was drawn with. */
  readonly founderFrequencies: Float64Array;
}

function founderFrequencies(rng: Rng, n: number, model: AlleleFrequencyModel): Float64Array {
  const p = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let maf =
      model.kind === "uniform" ? model.min + (model.max - model.min) * rng.float() : rng.beta(model.alpha, model.beta);
    if (model.kind === "beta" && maf > 0.5) maf = 1 - maf;
    p[j] = rng.float() < 0.5 ? maf : 1 - maf; // the B allele is the minor one half of the time
  }
  return p;
}

/** Simulates a population. Deterministic for a given seed and options. */
export function simulatePopulation(options: SimulationOptions): SimulatedPopulation {
  const seed = options.seed;
  const nAnimals = options.nAnimals ?? 500;
  const nSnps = options.nSnps ?? 1000;
  const nGen = Math.max(1, Math.min(options.nGenerations ?? 4, nAnimals));
  const traits = options.traits ?? SEED_TRAITS;
  const prefix = options.idPrefix ?? "SIM";
  const missingRate = options.missingRate ?? 0.002;
  const wrongRate = options.wrongParentRate ?? 0.02;
  const sireFraction = options.sireFraction ?? 0.05;
  const histGens = options.historicalGenerations ?? 30;
  const histSize = Math.max(2, options.historicalSize ?? 200);
  if (nSnps < 1 || nAnimals < 1) throw new RangeError("simulatePopulation: need at least one SNP and one animal");

  const rng = new Rng(seed);
  const genome = simulateGenome(rng, nSnps, options.chromosomes ?? bovineLikeChromosomes());
  const W = wordsPerHaplotype(nSnps);
  const hapLen = 2 * W;

  // Historical population: independent founder haplotypes, then random mating.
  const freq = founderFrequencies(rng, nSnps, options.alleleFrequency ?? { kind: "uniform", min: 0.05, max: 0.5 });
  let hist = new Uint32Array(histSize * hapLen);
  for (let h = 0; h < 2 * histSize; h++) {
    const base = h * W;
    for (let j = 0; j < nSnps; j++) if (rng.float() < freq[j]!) hist[base + (j >>> 5)]! |= 1 << (j & 31);
  }
  const hap = (pool: Uint32Array, i: number, k: number): Uint32Array =>
    pool.subarray(i * hapLen + k * W, i * hapLen + (k + 1) * W);
  for (let g = 0; g < histGens; g++) {
    const next = new Uint32Array(histSize * hapLen);
    for (let i = 0; i < histSize; i++) {
      for (let k = 0; k < 2; k++) {
        const p = rng.int(histSize);
        makeGamete(rng, genome, hap(hist, p, 0), hap(hist, p, 1), hap(next, i, k));
      }
    }
    hist = next;
  }

  // Recorded pedigree.
  const genSizes: number[] = [];
  for (let g = 0; g < nGen; g++) genSizes.push(Math.floor(nAnimals / nGen) + (g === 0 ? nAnimals % nGen : 0));
  const width = String(nAnimals).length;
  const ids: string[] = [];
  for (let i = 0; i < nAnimals; i++) ids.push(`${prefix}${String(i + 1).padStart(width, "0")}`);
  const animals: SimulatedAnimal[] = [];
  const wrongParents: WrongParent[] = [];
  const genotypes = createPackedMatrix(nAnimals, nSnps);
  const stride = bytesPerSample(nSnps);
  const qtlRaw = traits.map((t) => drawQtl(rng, t, nSnps));
  const gRaw = traits.map(() => new Float64Array(nAnimals));

  let prev = hist;
  let prevFirst = -1; // index of the previous generation's first animal (-1: historical)
  let prevSize = histSize;
  let prevSex: Uint8Array = new Uint8Array(0);
  let first = 0;
  for (let g = 0; g < nGen; g++) {
    const size = genSizes[g]!;
    const cur = new Uint32Array(size * hapLen);
    const sex = new Uint8Array(size);
    for (let i = 0; i < size; i++) sex[i] = rng.float() < 0.5 ? 1 : 2;
    if (size > 1) {
      if (!sex.includes(1)) sex[0] = 1;
      if (!sex.includes(2)) sex[size - 1] = 2;
    }
    // Parents: random historical animals for generation 0; otherwise a few sires and all dams of the previous generation.
    let sires: number[] = [];
    let dams: number[] = [];
    const males: number[] = [];
    const females: number[] = [];
    if (g > 0) {
      for (let i = 0; i < prevSize; i++) (prevSex[i] === 1 ? males : females).push(i);
      if (males.length === 0) males.push(0);
      if (females.length === 0) females.push(prevSize - 1);
      const nSires = Math.max(1, Math.round(males.length * sireFraction));
      sires = [...rng.sample(males.length, nSires)].map((k) => males[k]!);
      dams = females;
    }
    for (let i = 0; i < size; i++) {
      const idx = first + i;
      let s: number;
      let d: number;
      if (g === 0) {
        s = rng.int(prevSize);
        d = rng.int(prevSize);
      } else {
        s = sires[rng.int(sires.length)]!;
        d = dams[rng.int(dams.length)]!;
      }
      makeGamete(rng, genome, hap(prev, s, 0), hap(prev, s, 1), hap(cur, i, 0));
      makeGamete(rng, genome, hap(prev, d, 0), hap(prev, d, 1), hap(cur, i, 1));
      const h0 = hap(cur, i, 0);
      const h1 = hap(cur, i, 1);
      packHaplotypes(h0, h1, nSnps, genotypes.data.subarray(idx * stride, (idx + 1) * stride));
      for (let t = 0; t < traits.length; t++) {
        const q = qtlRaw[t]!;
        let v = 0;
        for (let k = 0; k < q.snpIndex.length; k++) v += q.effect[k]! * haplotypeCount(h0, h1, q.snpIndex[k]!);
        gRaw[t]![idx] = v;
      }
      const trueSire = g === 0 ? null : ids[prevFirst + s]!;
      const trueDam = g === 0 ? null : ids[prevFirst + d]!;
      let sire = trueSire;
      let dam = trueDam;
      if (g > 0 && rng.float() < wrongRate) {
        const which: "sire" | "dam" = rng.float() < 0.7 ? "sire" : "dam";
        const pool = which === "sire" ? males : females;
        const truthLocal = which === "sire" ? s : d;
        if (pool.length > 1) {
          let other = truthLocal;
          while (other === truthLocal) other = pool[rng.int(pool.length)]!;
          const recorded = ids[prevFirst + other]!;
          const truth = ids[prevFirst + truthLocal]!;
          if (which === "sire") sire = recorded;
          else dam = recorded;
          wrongParents.push({ animal: ids[idx]!, parent: which, recorded, truth });
        }
      }
      animals.push({ id: ids[idx]!, generation: g, sex: sex[i] as 1 | 2, sire, dam, trueSire, trueDam });
    }
    prev = cur;
    prevFirst = first;
    prevSize = size;
    prevSex = sex;
    first += size;
  }

  // Missing calls, placed by geometric gaps so the cost is proportional to their number.
  if (missingRate > 0) {
    const total = nAnimals * nSnps;
    const logq = Math.log(1 - Math.min(missingRate, 0.999999));
    let pos = Math.floor(Math.log(1 - rng.float()) / logq);
    while (pos < total) {
      const i = Math.floor(pos / nSnps);
      setCode(genotypes.data.subarray(i * stride, (i + 1) * stride), pos - i * nSnps, 0b01);
      pos += 1 + Math.floor(Math.log(1 - rng.float()) / logq);
    }
  }

  // Scale genetic values so the base generation has variance h2 * sdP^2 and mean 0.
  const base = genSizes[0]!;
  const tbv: Float64Array[] = [];
  const phenotypes: Float64Array[] = [];
  const qtl: Qtl[] = [];
  for (let t = 0; t < traits.length; t++) {
    const tr = traits[t]!;
    const raw = gRaw[t]!;
    let mean = 0;
    for (let i = 0; i < base; i++) mean += raw[i]!;
    mean /= base;
    let v = 0;
    for (let i = 0; i < base; i++) v += (raw[i]! - mean) ** 2;
    v /= Math.max(1, base - 1);
    const varA = tr.h2 * tr.sdP * tr.sdP;
    const scale = v > 0 ? Math.sqrt(varA / v) : 0;
    const sdE = Math.sqrt(tr.sdP * tr.sdP * (1 - tr.h2));
    const bv = new Float64Array(nAnimals);
    const ph = new Float64Array(nAnimals);
    for (let i = 0; i < nAnimals; i++) {
      bv[i] = (raw[i]! - mean) * scale;
      ph[i] = tr.mean + bv[i]! + sdE * rng.normal();
    }
    tbv.push(bv);
    phenotypes.push(ph);
    const q = qtlRaw[t]!;
    qtl.push({ trait: tr.name, snpIndex: q.snpIndex, effect: q.effect.map((e) => e * scale) });
  }

  const samples: SampleInfo[] = animals.map((a) => ({
    fid: prefix,
    iid: a.id,
    father: a.sire ?? "0",
    mother: a.dam ?? "0",
    sex: a.sex,
    phenotype: "-9",
  }));
  return {
    seed,
    genome,
    panel: genome.panel,
    animals,
    samples,
    genotypes,
    wrongParents,
    traits,
    qtl,
    tbv,
    phenotypes,
    founderFrequencies: freq,
  };
}

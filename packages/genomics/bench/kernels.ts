// Kernel benchmarks against PLINK 2. Prints figures, asserts nothing.
//   pnpm --filter @reprotech/genomics bench      (or: tsx bench/kernels.ts)
// Data is generated once under os.tmpdir()/reprotech-genomics-bench and reused. Each of our tasks runs in
// its own child process so its peak RSS is its own; our times include reading the .bed and are printed
// next to the kernel-only time (the summarizeBedFile row reads and counts in one streamed pass, so it
// has a total only). PLINK's times are wall-clock times of the whole command (process start and reading
// its files included), with --threads 2 like our worker pool. Every comparison is the best of RUNS runs
// on each side (GRM_RUNS for G). At the end a summary prints every goal of the issue (formats rows from bench/formats.ts,
// which writes them to formats-summary.json in the data directory).
import { execFileSync, spawnSync } from "node:child_process";
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { trainSnpBlup } from "../src/blup/snpblup";
import { sampleInfo } from "../src/formats/plink-fam";
import { readBed, writePlinkBinary } from "../src/formats/plink-bed";
import { bytesPerSample, type PackedMatrix } from "../src/pack";
import { KernelPool } from "../src/parallel/pool";
import { scoreGenotypesAsync, summarizeGenotypesAsync, vanRadenGAsync } from "../src/parallel/kernels";
import { SnpPanel } from "../src/panel";
import { scoreGenotypes } from "../src/score/score";
import { summarizeBedFile } from "../src/stats/bed-summary";
import { bAlleleFrequencies, sampleCallRates, snpCallRates, summarizeGenotypes } from "../src/stats/frequencies";

const DIR = join(tmpdir(), "reprotech-genomics-bench");
const VERSION = "v1";
const MAIN = { name: "d10k", n: 10_000, m: 60_000 };
const GRM = { name: "g2k", n: 2_000, m: 60_000 };
const BLUP = { name: "b5k", n: 5_000, m: 50_000 };
const TRAITS = 4;
const PLINK2 = "/usr/bin/plink2";
/** Runs per side for each plink2 comparison (best taken); the machine is shared, timings are noisy. */
const RUNS = 3;
/** G takes ~20 s a run on each side: two runs each. */
const GRM_RUNS = 2;

// ---------- data ----------

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Random genotypes in HWE with 1% missing; per SNP a 256-entry code table indexed by a random byte. */
function generate(n: number, m: number, seed: number): PackedMatrix {
  const rnd = xorshift(seed);
  const tables = new Uint8Array(m * 256);
  for (let j = 0; j < m; j++) {
    const p = 0.03 + 0.94 * (rnd() / 4294967296);
    const probs = [(1 - p) ** 2, 2 * p * (1 - p), p * p].map((x) => x * 0.99);
    for (let v = 0; v < 256; v++) {
      const u = (v + 0.5) / 256;
      tables[j * 256 + v] = u < probs[0]! ? 0b00 : u < probs[0]! + probs[1]! ? 0b10 : u < 0.99 ? 0b11 : 0b01;
    }
  }
  const stride = bytesPerSample(m);
  const data = new Uint8Array(n * stride);
  for (let i = 0; i < n; i++) {
    const row = i * stride;
    for (let j = 0; j < m; j += 4) {
      const r = rnd();
      let b = tables[j * 256 + (r & 255)]!;
      if (j + 1 < m) b |= tables[(j + 1) * 256 + ((r >>> 8) & 255)]! << 2;
      if (j + 2 < m) b |= tables[(j + 2) * 256 + ((r >>> 16) & 255)]! << 4;
      if (j + 3 < m) b |= tables[(j + 3) * 256 + (r >>> 24)]! << 6;
      data[row + (j >> 2)] = b;
    }
  }
  return { nSamples: n, nSnps: m, data };
}

function subset(src: PackedMatrix, n: number, m: number): PackedMatrix {
  const inStride = bytesPerSample(src.nSnps);
  const outStride = bytesPerSample(m);
  const data = new Uint8Array(n * outStride);
  for (let i = 0; i < n; i++) data.set(src.data.subarray(i * inStride, i * inStride + outStride), i * outStride);
  if ((m & 3) !== 0) throw new Error("subset: SNP count must be a multiple of 4");
  return { nSamples: n, nSnps: m, data };
}

const snpName = (j: number) => `s${j}`;

function writeFileset(prefix: string, mat: PackedMatrix): void {
  const panel = new SnpPanel(
    Array.from({ length: mat.nSnps }, (_, j) => ({
      name: snpName(j),
      chrom: String(1 + Math.floor(j / 2100)),
      position: 1000 + (j % 2100) * 1000,
      a: "A",
      b: "G",
    })),
  );
  const samples = Array.from({ length: mat.nSamples }, (_, i) => sampleInfo(`a${i}`));
  const files = writePlinkBinary(panel, samples, mat);
  const fd = openSync(`${prefix}.bed`, "w");
  for (const chunk of files.bed) writeSync(fd, chunk);
  closeSync(fd);
  writeFileSync(`${prefix}.bim`, files.bim);
  writeFileSync(`${prefix}.fam`, files.fam);
}

function ensureData(): void {
  const stamp = join(DIR, `ready-${VERSION}`);
  if (existsSync(stamp)) return;
  // Files are overwritten, never the directory removed: it also holds bench/formats.ts's cached inputs.
  mkdirSync(DIR, { recursive: true });
  process.stdout.write(`generating data under ${DIR} ... `);
  const t = performance.now();
  const main = generate(MAIN.n, MAIN.m, 20260101);
  writeFileset(join(DIR, MAIN.name), main);
  writeFileset(join(DIR, GRM.name), subset(main, GRM.n, GRM.m));
  writeFileset(join(DIR, BLUP.name), subset(main, BLUP.n, BLUP.m));
  // Frequencies (B allele = REF = .bim column 6 for plink2) and 4 traits of SNP effects for scoring.
  const p = bAlleleFrequencies(summarizeGenotypes(main).snps);
  const afreq = ["#CHROM\tID\tREF\tALT\tALT_FREQS\tOBS_CT"];
  const weights = [`ID\tALLELE\t${Array.from({ length: TRAITS }, (_, t) => `T${t}`).join("\t")}`];
  const rnd = xorshift(7);
  for (let j = 0; j < MAIN.m; j++) {
    afreq.push(`${1 + Math.floor(j / 2100)}\t${snpName(j)}\tG\tA\t${(1 - p[j]!).toPrecision(17)}\t${2 * MAIN.n}`);
    const w: string[] = [];
    for (let t = 0; t < TRAITS; t++) w.push(((rnd() / 4294967296 - 0.5) * 0.02).toPrecision(12));
    weights.push(`${snpName(j)}\tG\t${w.join("\t")}`);
  }
  writeFileSync(join(DIR, `${MAIN.name}.afreq`), afreq.join("\n") + "\n");
  writeFileSync(join(DIR, `${MAIN.name}.weights`), weights.join("\n") + "\n");
  writeFileSync(stamp, new Date().toISOString());
  console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// ---------- our side (child process) ----------

interface ChildResult {
  /** null: reading is streamed together with the kernel (total only). */
  readMs: number | null;
  kernelMs: number;
  peakRssMb: number;
  note?: string;
}

async function readFileset(name: string, n: number, m: number): Promise<PackedMatrix> {
  return readBed(createReadStream(join(DIR, `${name}.bed`), { highWaterMark: 1 << 22 }), n, m);
}

function readScoreInputs(): { p: Float64Array; effects: Float64Array[] } {
  const p = new Float64Array(MAIN.m);
  const afLines = readFileSync(join(DIR, `${MAIN.name}.afreq`), "utf8").split("\n");
  for (let j = 0; j < MAIN.m; j++) p[j] = 1 - Number(afLines[j + 1]!.split("\t")[4]);
  const effects = Array.from({ length: TRAITS }, () => new Float64Array(MAIN.m));
  const wLines = readFileSync(join(DIR, `${MAIN.name}.weights`), "utf8").split("\n");
  for (let j = 0; j < MAIN.m; j++) {
    const f = wLines[j + 1]!.split("\t");
    for (let t = 0; t < TRAITS; t++) effects[t]![j] = Number(f[2 + t]);
  }
  return { p, effects };
}

async function child(task: string): Promise<ChildResult> {
  const t0 = performance.now();
  let readMs: number | null;
  let kernelMs: number;
  let note: string;
  if (task === "freqbed") {
    // SNP-major counting straight from the file: reading and counting overlap, one total.
    const s = await summarizeBedFile(join(DIR, `${MAIN.name}.bed`), MAIN.n, MAIN.m);
    const p = bAlleleFrequencies(s.snps);
    snpCallRates(s.snps);
    sampleCallRates(s.samples);
    readMs = null;
    kernelMs = performance.now() - t0;
    note = `1 thread + async reads; summarizeBedFile (no transpose); mean p ${(p.reduce((a, b) => a + b, 0) / p.length).toFixed(4)}`;
  } else if (task === "freq" || task === "freq1") {
    const mat = await readFileset(MAIN.name, MAIN.n, MAIN.m);
    readMs = performance.now() - t0;
    const t1 = performance.now();
    let s;
    if (task === "freq") {
      const pool = new KernelPool(2);
      s = await summarizeGenotypesAsync(mat, { pool });
      await pool.close();
    } else s = summarizeGenotypes(mat);
    const p = bAlleleFrequencies(s.snps);
    snpCallRates(s.snps);
    sampleCallRates(s.samples);
    kernelMs = performance.now() - t1;
    note = `${task === "freq" ? "2 workers" : "1 thread"}; mean p ${(p.reduce((a, b) => a + b, 0) / p.length).toFixed(4)}`;
  } else if (task === "score" || task === "score1") {
    const mat = await readFileset(MAIN.name, MAIN.n, MAIN.m);
    const { p, effects } = readScoreInputs();
    readMs = performance.now() - t0;
    const t1 = performance.now();
    if (task === "score") {
      const pool = new KernelPool(2);
      const s = await scoreGenotypesAsync(mat, p, effects, { pool });
      await pool.close();
      note = `2 workers; first GEBV ${s[0]!.toFixed(4)}`;
    } else {
      const s = scoreGenotypes(mat, p, effects);
      note = `1 thread; first GEBV ${s[0]!.toFixed(4)}`;
    }
    kernelMs = performance.now() - t1;
  } else if (task === "grm") {
    const mat = await readFileset(GRM.name, GRM.n, GRM.m);
    readMs = performance.now() - t0;
    const t1 = performance.now();
    const pool = new KernelPool(2);
    const g = await vanRadenGAsync(mat, { pool });
    await pool.close();
    kernelMs = performance.now() - t1;
    note = `2 workers; ${g.snpsUsed} SNPs; G[0,0] ${g.g[0]!.toFixed(4)}`;
  } else if (task === "blup") {
    const mat = await readFileset(BLUP.name, BLUP.n, BLUP.m);
    readMs = performance.now() - t0;
    // Phenotypes: y = Z beta + e with h2 = 0.3 (generated here, not timed).
    const p = bAlleleFrequencies(summarizeGenotypes(mat).snps);
    const rnd = xorshift(11);
    const gauss = () => {
      const u = (rnd() + 1) / 4294967297;
      const v = rnd() / 4294967296;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const beta = Float64Array.from({ length: BLUP.m }, () => gauss());
    const g = scoreGenotypes(mat, p, [beta]);
    let mean = 0;
    let v = 0;
    for (const x of g) mean += x / g.length;
    for (const x of g) v += (x - mean) ** 2 / g.length;
    const sdE = Math.sqrt((v * 0.7) / 0.3);
    const y = Float64Array.from(g, (x) => 100 + x + sdE * gauss());
    const t1 = performance.now();
    const res = trainSnpBlup(mat, y, { h2: 0.3, p, tolerance: 1e-6 });
    kernelMs = performance.now() - t1;
    note = `1 thread; ${res.iterations} PCG iterations, relative residual ${res.relativeResidual.toExponential(2)}, converged ${res.converged}`;
  } else throw new Error(`unknown task ${task}`);
  return { readMs, kernelMs, peakRssMb: process.resourceUsage().maxRSS / 1024, note };
}

function runChild(task: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, "--child", task], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`child ${task} failed: ${r.stderr}`);
  const line = r.stdout.trim().split("\n").pop()!;
  return JSON.parse(line) as ChildResult;
}

function bestChild(task: string, runs = RUNS): ChildResult {
  const all = Array.from({ length: runs }, () => runChild(task));
  return all.reduce((a, b) => ((a.readMs ?? 0) + a.kernelMs <= (b.readMs ?? 0) + b.kernelMs ? a : b));
}

function bestPlink(args: string[], runs = RUNS): number {
  return Math.min(...Array.from({ length: runs }, () => timePlink(args)));
}

function timePlink(args: string[]): number {
  const out = join(DIR, "plinkout");
  const t = performance.now();
  execFileSync(PLINK2, ["--cow", "--threads", "2", "--out", out, ...args], { stdio: "ignore" });
  return performance.now() - t;
}

// ---------- main ----------

/** What bench/formats.ts leaves in formats-summary.json for the final summary. */
interface FormatsSummary {
  at: string;
  ped: {
    label: string;
    oursMs: number;
    plinkMs: number;
    oursRssMb: number;
    plinkRssMb?: number;
    identical: boolean;
    /** Peak RSS of the parse at several sample counts (older summaries lack it). */
    rssBySamples?: { samples: number; maxRssMb: number; packedMb: number }[];
    baselineRssMb?: number;
  };
  finalReport: {
    label: string;
    ms: number;
    mbPerS: number;
    peakRssMb: number;
    rssAt8: number;
    /** RSS after half the samples (older summaries lack it). */
    rssAtHalf?: number;
    rssAtEnd: number;
  };
}

function readFormatsSummary(): FormatsSummary | undefined {
  const path = join(DIR, "formats-summary.json");
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as FormatsSummary;
}

function table(header: string[], rows: string[][], leftCols: number[]): string[] {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, k) => (leftCols.includes(k) ? c.padEnd(widths[k]!) : c.padStart(widths[k]!)))
      .join("  ")
      .trimEnd();
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)];
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") {
    console.log(JSON.stringify(await child(process.argv[3]!)));
    return;
  }
  if (!existsSync(PLINK2)) {
    console.error("plink2 not found: apt-get install plink1.9 plink2");
    process.exitCode = 1;
    return;
  }
  ensureData();
  const b = (name: string) => join(DIR, name);
  const rows: string[][] = [];
  const s = (ms: number) => (ms / 1000).toFixed(3);
  const total = (r: ChildResult) => (r.readMs ?? 0) + r.kernelMs;
  const add = (label: string, plinkMs: number | undefined, ours: ChildResult) => {
    rows.push([
      label,
      plinkMs === undefined ? "-" : s(plinkMs),
      ours.readMs === null ? "streamed" : s(ours.readMs),
      ours.readMs === null ? "-" : s(ours.kernelMs),
      s(total(ours)),
      plinkMs === undefined ? "-" : (total(ours) / plinkMs).toFixed(2) + "x",
      ours.peakRssMb.toFixed(0),
      ours.note ?? "",
    ]);
  };

  const freqPlink = bestPlink(["--bfile", b(MAIN.name), "--freq", "--missing"]);
  const freqBed = bestChild("freqbed");
  add(`freq+missing ${MAIN.n}x${MAIN.m} summarizeBedFile`, freqPlink, freqBed);
  add(`freq+missing ${MAIN.n}x${MAIN.m} readBed + 2 workers`, freqPlink, bestChild("freq", 1));
  add(`freq+missing ${MAIN.n}x${MAIN.m} readBed + 1 thread`, freqPlink, bestChild("freq1", 1));
  const scorePlink = bestPlink([
    "--bfile",
    b(MAIN.name),
    "--read-freq",
    b(`${MAIN.name}.afreq`),
    "--score",
    b(`${MAIN.name}.weights`),
    "1",
    "2",
    "header-read",
    "center",
    "no-mean-imputation",
    "cols=+scoresums",
    "--score-col-nums",
    `3-${2 + TRAITS}`,
  ]);
  const score = bestChild("score");
  add(`score ${TRAITS} traits ${MAIN.n}x${MAIN.m}`, scorePlink, score);
  add(`score ${TRAITS} traits ${MAIN.n}x${MAIN.m} (1 thread)`, scorePlink, bestChild("score1", 1));
  const grmPlink = bestPlink(["--bfile", b(GRM.name), "--make-rel", "cov", "meanimpute", "square", "bin"], GRM_RUNS);
  const grm = bestChild("grm", GRM_RUNS);
  add(`G ${GRM.n} animals x ${GRM.m}`, grmPlink, grm);
  const blup = runChild("blup");
  add(`SNP-BLUP train ${BLUP.n}x${BLUP.m}`, undefined, blup);

  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
  console.log(
    `\nKernel benchmarks (${availableParallelism()} cores, load average ${load}; plink2 --threads 2; ratio = ours total / plink2, lower is better; best of ${RUNS} runs (G: ${GRM_RUNS}) for plink2 and the first row of each comparison, other rows 1 run)`,
  );
  for (const line of table(
    ["task", "plink2 s", "ours read s", "ours kernel s", "ours total s", "ratio", "peak RSS MB", "notes"],
    rows,
    [0, 7],
  ))
    console.log(line);
  console.log(`\nreadBed rows: reading the .bed with readBed (transpose to sample-major) + kernel. Data: ${DIR}`);

  // ---- the goals in one place ----
  const ratio = (ours: number, theirs: number) => ours / theirs;
  const verdict = (r: number, goal: number) =>
    `${r.toFixed(2)}x (goal <= ${goal.toFixed(1)}x: ${r <= goal ? "met" : "NOT met"})`;
  const summary: string[][] = [];
  const f = readFormatsSummary();
  if (f) {
    const r = ratio(f.ped.oursMs, f.ped.plinkMs);
    const bySamples = f.ped.rssBySamples;
    const rssNote =
      bySamples && bySamples.length > 0
        ? `peak RSS at ${bySamples.map((x) => x.samples).join(" / ")} samples: ${bySamples.map((x) => x.maxRssMb.toFixed(0)).join(" / ")} MB` +
          ` (packed output ${bySamples.map((x) => x.packedMb.toFixed(1)).join(" / ")} MB; node+tsx alone ${f.ped.baselineRssMb?.toFixed(0) ?? "?"} MB)`
        : `peak RSS ${f.ped.oursRssMb.toFixed(0)} MB`;
    summary.push([
      f.ped.label,
      `${s(f.ped.oursMs)} s vs ${s(f.ped.plinkMs)} s`,
      verdict(r, 1),
      `${rssNote}; plink1.9 ${f.ped.plinkRssMb?.toFixed(0) ?? "?"} MB; calls identical: ${f.ped.identical ? "yes" : "NO"}`,
    ]);
    summary.push([
      f.finalReport.label,
      `${s(f.finalReport.ms)} s`,
      `${f.finalReport.mbPerS.toFixed(0)} MB/s`,
      `peak RSS ${f.finalReport.peakRssMb.toFixed(0)} MB; RSS after 8 samples / ${f.finalReport.rssAtHalf === undefined ? "" : "half / "}all ` +
        `${[f.finalReport.rssAt8, ...(f.finalReport.rssAtHalf === undefined ? [] : [f.finalReport.rssAtHalf]), f.finalReport.rssAtEnd].map((x) => x.toFixed(0)).join(" / ")} MB`,
    ]);
  } else summary.push(["(.ped / FinalReport rows: run bench/formats.ts first)", "", "", ""]);
  summary.push([
    `freq+missing ${MAIN.n}x${MAIN.m} vs plink2 --freq --missing`,
    `${s(total(freqBed))} s vs ${s(freqPlink)} s`,
    verdict(ratio(total(freqBed), freqPlink), 1),
    `summarizeBedFile, file read included (plink2 also writes its 3 report files); peak RSS ${freqBed.peakRssMb.toFixed(0)} MB`,
  ]);
  summary.push([
    `score ${TRAITS} traits ${MAIN.n}x${MAIN.m} vs plink2 --score`,
    `${s(total(score))} s vs ${s(scorePlink)} s`,
    verdict(ratio(total(score), scorePlink), 1),
    `readBed + 2 workers; peak RSS ${score.peakRssMb.toFixed(0)} MB`,
  ]);
  summary.push([
    `G ${GRM.n} animals vs plink2 --make-rel cov meanimpute square bin`,
    `${s(total(grm))} s vs ${s(grmPlink)} s`,
    verdict(ratio(total(grm), grmPlink), 2),
    `plink2 2.00a3.5 linked to Debian reference BLAS (libblas3, no OpenBLAS); would be faster with an optimized BLAS`,
  ]);
  summary.push([
    `SNP-BLUP train ${BLUP.n}x${BLUP.m}`,
    `${s(total(blup))} s`,
    "-",
    `${blup.note ?? ""}; peak RSS ${blup.peakRssMb.toFixed(0)} MB`,
  ]);
  console.log(
    `\nSummary of the issue's goals (best of ${RUNS} runs on each side, G ${GRM_RUNS}; plink times include process start; ours exclude node start-up)`,
  );
  if (f) console.log(`(.ped and FinalReport rows measured by bench/formats.ts at ${f.at})`);
  for (const line of table(["goal", "time", "result", "notes"], summary, [0, 1, 2, 3])) console.log(line);
}

await main();

// Format benchmarks: parse a 1,000 x 60K .ped to packed rows against `plink1.9 --file --make-bed`
// (and the first 250 and 500 samples of it, to show peak RSS does not grow with the number of samples
// beyond the packed output), and stream a 96-sample x 60K FinalReport. Data is generated once under os.tmpdir() and reused.
// Each measurement runs in its own child process so peak RSS (process.resourceUsage().maxRSS)
// belongs to that task alone. Prints figures; asserts nothing.
//
//   pnpm --filter @reprotech/genomics bench        (runs this, then bench/kernels.ts)
//   tsx bench/formats.ts                           (this file only)
import { spawnSync } from "node:child_process";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import {
  FinalReportReader,
  formatBim,
  formatIlluminaManifest,
  parseBim,
  readIlluminaManifest,
  readPed,
  readPlinkBinary,
  realignMatrix,
  simulatePopulation,
  writeBed,
  writeFinalReport,
  writeSimulationFiles,
} from "../src/index";

const DIR = join(tmpdir(), "reprotech-genomics-bench");
const PED_BASE = "ped1000x60k";
const FR_BASE = "fr96x60k";
const FR_SAMPLES = 96;
const SELF = fileURLToPath(import.meta.url);
const READ_CHUNK = 1 << 20;
const PED_SAMPLES = 1000;
/** Smaller .ped files (the first N lines of the 1,000-sample one) for the RSS-versus-samples figures. */
const PED_RSS_SIZES = [250, 500] as const;

function pedPath(samples: number): string {
  return join(DIR, samples === PED_SAMPLES ? `${PED_BASE}.ped` : `${PED_BASE}_first${samples}.ped`);
}

interface TaskResult {
  ms: number;
  maxRssMb: number;
  bytes?: number;
  samples?: number;
  /** .ped: size of the packed matrix readPed returned. */
  packedBytes?: number;
  /** A second timing inside the same task (simulate: writeBed). */
  extraMs?: number;
  /** FinalReport: resident memory after 8 samples and after the last, to show it does not grow with samples. */
  rssAt8?: number;
  /** And after half of them (48): from there on RSS should stay put (the GC's backlog of read chunks has reached its level). */
  rssAtHalf?: number;
  rssAtEnd?: number;
}

function rssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
}

// ---- tasks (run in a child process) ----

async function taskParsePed(arg?: string): Promise<TaskResult> {
  const n = arg === undefined ? PED_SAMPLES : Number(arg);
  const path = pedPath(n);
  const t = performance.now();
  const r = await readPed(
    createReadStream(path, { highWaterMark: READ_CHUNK }),
    readFileSync(join(DIR, `${PED_BASE}.map`)),
  );
  const ms = performance.now() - t;
  const maxRssMb = rssMb(); // before the files below are written
  if (n === PED_SAMPLES) {
    // Keep the result for the comparison with plink (not timed).
    writeFileSync(join(DIR, "ours.packed"), r.genotypes.data);
    writeFileSync(join(DIR, "ours.bim"), formatBim(r.panel));
  }
  return { ms, maxRssMb, samples: r.samples.length, bytes: statSync(path).size, packedBytes: r.genotypes.data.length };
}

/** Node + tsx + this file's imports, nothing parsed: the floor under every peak RSS here. */
async function taskBaseline(): Promise<TaskResult> {
  return Promise.resolve({ ms: 0, maxRssMb: rssMb() });
}

async function taskParseFinalReport(): Promise<TaskResult> {
  const { panel } = await readIlluminaManifest(readFileSync(join(DIR, `${FR_BASE}_manifest.csv`)));
  const t = performance.now();
  const reader = new FinalReportReader(
    createReadStream(join(DIR, `${FR_BASE}_FinalReport.txt`), { highWaterMark: READ_CHUNK }),
    { panel },
  );
  let samples = 0;
  let rssAt8 = 0;
  let rssAtHalf = 0;
  for await (const s of reader) {
    if (s.row.length > 0) samples++;
    if (samples === 8) rssAt8 = process.memoryUsage().rss / 1e6;
    if (samples === FR_SAMPLES / 2) rssAtHalf = process.memoryUsage().rss / 1e6;
  }
  const ms = performance.now() - t;
  return {
    ms,
    maxRssMb: rssMb(),
    samples,
    bytes: reader.bytesRead,
    rssAt8,
    rssAtHalf,
    rssAtEnd: process.memoryUsage().rss / 1e6,
  };
}

async function taskSimulate(): Promise<TaskResult> {
  const t = performance.now();
  const pop = simulatePopulation({ seed: 3, nAnimals: 10_000, nSnps: 60_000, nGenerations: 5 });
  const ms = performance.now() - t;
  const t2 = performance.now();
  let bytes = 0;
  for (const c of writeBed(pop.genotypes)) bytes += c.length;
  return { ms, maxRssMb: rssMb(), bytes, extraMs: performance.now() - t2 };
}

const TASKS: Record<string, (arg?: string) => Promise<TaskResult>> = {
  "parse-ped": taskParsePed,
  "parse-finalreport": taskParseFinalReport,
  simulate: taskSimulate,
  baseline: taskBaseline,
};

// ---- orchestration ----

function runChild(task: string, arg?: string): TaskResult {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, SELF, "--task", task, ...(arg === undefined ? [] : [arg])],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`task ${task} failed (${r.status}): ${r.stderr}`);
  const last = r.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(last) as TaskResult;
}

function runPlink(args: string[]): { ms: number; maxRssMb: number | undefined } {
  const hasTime = existsSync("/usr/bin/time");
  const t = performance.now();
  const r = hasTime
    ? spawnSync("/usr/bin/time", ["-f", "TIME_RSS_KB %M", "plink1.9", ...args], { cwd: DIR, encoding: "utf8" })
    : spawnSync("plink1.9", args, { cwd: DIR, encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.error)
    throw new Error(`plink1.9 could not run (${r.error.message}); install it with: apt-get install plink1.9 plink2`);
  if (r.status !== 0) throw new Error(`plink1.9 ${args.join(" ")} failed: ${r.stdout}\n${r.stderr}`);
  const m = /TIME_RSS_KB (\d+)/.exec(r.stderr);
  return { ms, maxRssMb: m ? Number(m[1]) / 1024 : undefined };
}

async function ensureData(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  if (!existsSync(join(DIR, `${PED_BASE}.done`))) {
    const t = performance.now();
    const pop = simulatePopulation({ seed: 1, nAnimals: 1000, nSnps: 60_000, missingRate: 0.002 });
    await writeSimulationFiles(pop, DIR, PED_BASE, ["ped"]);
    writeFileSync(join(DIR, `${PED_BASE}.done`), "");
    console.log(
      `generated ${PED_BASE}.ped (${(statSync(join(DIR, `${PED_BASE}.ped`)).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  for (const n of PED_RSS_SIZES) if (!existsSync(pedPath(n))) firstLines(pedPath(PED_SAMPLES), pedPath(n), n);
  if (!existsSync(join(DIR, `${FR_BASE}.done`))) {
    const t = performance.now();
    const pop = simulatePopulation({
      seed: 2,
      nAnimals: FR_SAMPLES,
      nSnps: 60_000,
      nGenerations: 1,
      missingRate: 0.005,
    });
    writeFileSync(join(DIR, `${FR_BASE}_manifest.csv`), formatIlluminaManifest(pop.panel));
    // A realistic column set: AB, Top and Forward alleles plus SNP columns and GC Score (~75 bytes a row).
    const fr = writeFinalReport(
      pop.panel,
      pop.animals.map((a) => a.id),
      pop.genotypes,
      { alleleSets: ["ab", "top", "forward"], snpColumns: true },
    );
    await pipeline(Readable.from(fr), createWriteStream(join(DIR, `${FR_BASE}_FinalReport.txt`)));
    writeFileSync(join(DIR, `${FR_BASE}.done`), "");
    console.log(
      `generated ${FR_BASE}_FinalReport.txt (${(statSync(join(DIR, `${FR_BASE}_FinalReport.txt`)).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
}

/** Copies the first n lines of src to dst (streamed; written under a temporary name, then renamed). */
function firstLines(src: string, dst: string, n: number): void {
  const buf = new Uint8Array(READ_CHUNK);
  const fin = openSync(src, "r");
  const fout = openSync(`${dst}.part`, "w");
  try {
    let lines = 0;
    for (;;) {
      const got = readSync(fin, buf);
      if (got === 0) break;
      let end = 0;
      while (end < got && lines < n) {
        const nl = buf.indexOf(10, end);
        if (nl < 0 || nl >= got) {
          end = got;
          break;
        }
        end = nl + 1;
        lines++;
      }
      writeSync(fout, buf, 0, end);
      if (lines >= n) break;
    }
  } finally {
    closeSync(fin);
    closeSync(fout);
  }
  renameSync(`${dst}.part`, dst);
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<void> {
  console.log(`# genomics format benchmarks (data in ${DIR})`);
  await ensureData();

  // .ped -> packed vs plink1.9 --make-bed; best of two runs each.
  const ours = [runChild("parse-ped"), runChild("parse-ped")];
  const plinkArgs = [
    "--file",
    PED_BASE,
    "--make-bed",
    "--out",
    "plink_out",
    "--chr-set",
    "29",
    "--allow-no-sex",
    "--silent",
  ];
  const theirs = [runPlink(plinkArgs), runPlink(plinkArgs)];
  const bestOurs = ours.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const bestTheirs = theirs.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const mb = (bestOurs.bytes ?? 0) / 1e6;
  console.log(`\n.ped ${PED_BASE} (${mb.toFixed(0)} MB, ${bestOurs.samples} samples x 60,000 SNPs) -> packed`);
  console.log(
    `  ours (readPed, streamed):         ${ours.map((r) => fmt(r.ms)).join(", ")}   best ${fmt(bestOurs.ms)}  ${(mb / (bestOurs.ms / 1000)).toFixed(0)} MB/s  peak RSS ${bestOurs.maxRssMb.toFixed(0)} MB`,
  );
  console.log(
    `  plink1.9 --file --make-bed:       ${theirs.map((r) => fmt(r.ms)).join(", ")}   best ${fmt(bestTheirs.ms)}${bestTheirs.maxRssMb === undefined ? "" : `  peak RSS ${bestTheirs.maxRssMb.toFixed(0)} MB`}`,
  );
  console.log(`  ratio ours / plink1.9:            ${(bestOurs.ms / bestTheirs.ms).toFixed(2)}x (goal <= 1.0x)`);
  const plink = await readPlinkBinary({
    bed: readFileSync(join(DIR, "plink_out.bed")),
    bim: readFileSync(join(DIR, "plink_out.bim")),
    fam: readFileSync(join(DIR, "plink_out.fam")),
  });
  const ourPanel = parseBim(readFileSync(join(DIR, "ours.bim"), "utf8"));
  const aligned = realignMatrix(plink.genotypes, plink.panel, ourPanel);
  const identical = Buffer.from(aligned.data).equals(readFileSync(join(DIR, "ours.packed")));
  console.log(`  calls identical to plink's .bed:  ${identical ? "yes" : "NO"}`);

  // Peak RSS against the number of samples: each size twice in its own process, the lower peak kept
  // (garbage the GC has not yet collected, e.g. the stream's 1 MB read chunks, varies from run to run).
  const baseline = Math.min(runChild("baseline").maxRssMb, runChild("baseline").maxRssMb);
  const bySize = [
    ...PED_RSS_SIZES.map((n) => [runChild("parse-ped", String(n)), runChild("parse-ped", String(n))]),
    ours,
  ].map((runs) => ({
    samples: runs[0]!.samples ?? 0,
    maxRssMb: Math.min(...runs.map((r) => r.maxRssMb)),
    packedMb: (runs[0]!.packedBytes ?? 0) / 1e6,
  }));
  console.log(`  peak RSS by samples (lower of 2 runs; node + tsx + imports alone ${baseline.toFixed(0)} MB):`);
  for (const r of bySize)
    console.log(
      `    ${String(r.samples).padStart(5)} samples: ${r.maxRssMb.toFixed(0).padStart(4)} MB  (packed output ${r.packedMb.toFixed(1)} MB)`,
    );

  // FinalReport streaming.
  const fr = runChild("parse-finalreport");
  const frMb = (fr.bytes ?? 0) / 1e6;
  console.log(
    `\nFinalReport ${FR_BASE} (${frMb.toFixed(0)} MB, ${fr.samples} samples x 60,000 SNPs, long layout, AB alleles, panel from manifest)`,
  );
  console.log(
    `  FinalReportReader (streamed):     ${fmt(fr.ms)}  ${(frMb / (fr.ms / 1000)).toFixed(0)} MB/s  peak RSS ${fr.maxRssMb.toFixed(0)} MB`,
  );
  console.log(
    `  RSS after 8 / ${FR_SAMPLES / 2} / ${fr.samples} samples: ${(fr.rssAt8 ?? 0).toFixed(0)} / ${(fr.rssAtHalf ?? 0).toFixed(0)} / ${(fr.rssAtEnd ?? 0).toFixed(0)} MB (includes the manifest panel and tsx)`,
  );

  // For the summary that bench/kernels.ts prints at the end.
  writeFileSync(
    join(DIR, "formats-summary.json"),
    JSON.stringify({
      at: new Date().toISOString(),
      ped: {
        label: `.ped ${bestOurs.samples} x 60K (${mb.toFixed(0)} MB) -> packed vs plink1.9 --file --make-bed`,
        oursMs: bestOurs.ms,
        plinkMs: bestTheirs.ms,
        oursRssMb: bestOurs.maxRssMb,
        plinkRssMb: bestTheirs.maxRssMb,
        identical,
        baselineRssMb: baseline,
        rssBySamples: bySize,
      },
      finalReport: {
        label: `FinalReport ${fr.samples} x 60K (${frMb.toFixed(0)} MB) streamed`,
        ms: fr.ms,
        mbPerS: frMb / (fr.ms / 1000),
        peakRssMb: fr.maxRssMb,
        rssAt8: fr.rssAt8 ?? 0,
        rssAtHalf: fr.rssAtHalf ?? 0,
        rssAtEnd: fr.rssAtEnd ?? 0,
      },
    }),
  );

  // Simulator at benchmark scale.
  const sim = runChild("simulate");
  console.log(
    `\nsimulatePopulation 10,000 animals x 60,000 SNPs: ${fmt(sim.ms)}; writeBed of it (${((sim.bytes ?? 0) / 1e6).toFixed(0)} MB): ${fmt(sim.extraMs ?? 0)}; peak RSS ${sim.maxRssMb.toFixed(0)} MB`,
  );
}

if (process.argv[2] === "--task") {
  const task = TASKS[process.argv[3] ?? ""];
  if (!task) throw new Error(`unknown task ${process.argv[3]}`);
  const r = await task(process.argv[4]);
  console.log(JSON.stringify(r));
} else {
  await main();
}

// `pnpm bench:pipeline` (build first: server, worker and the SDK's CLI): the genotype pipeline
// against the library alone, in one run, on a fresh database with real Redis:
//   a. baseline — the genomics library parsing a simulated 96-sample × 60K-SNP FinalReport from disk
//      (the median of two runs before the plates and one after each);
//   b. BENCH_PLATES (3) such plates (the same animals, files differing in a header line) one after
//      another through the whole pipeline: streamed by the BUILT CLI (`reprotech genotypes upload`,
//      as a lab sends a plate) to the BUILT server (child process), read ahead and ingested by the
//      BUILT worker (child process; parse in its worker thread), followed over the SSE progress
//      subscription — wall time from starting the CLI to `completed`; the median plate's ratio to (a)
//      (goal ≤ 1.3×), its phases, and peak RSS (VmHWM) of server and worker (goal ≤ 300 MB each). One
//      single-animal upload goes first, so the worker is one that has run before (its parse thread's
//      code compiled); the peak RSS after it is printed too;
//   c. BENCH_SINGLE (200) single-animal 60K uploads back to back through the SDK in this process —
//      uploads/s, mean and p95 latency from upload start to completed.
// For (b) it also adds up the CPU time every process spent (client — this process and the CLI —,
// server, worker, PostgreSQL): divided by the cores, that is a floor under the pipeline's wall time
// however well it overlaps. BENCH_NODE_OPTIONS goes to the server, the worker and the CLI as
// NODE_OPTIONS (say "--cpu-prof --cpu-prof-dir=…" to see where their time goes).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { hashPassword } from "@reprotech/auth";
import { genotypes } from "@reprotech/domain";
import { concatBytes, readFinalReport, simulatePopulation, writeFinalReport, type SnpPanel } from "@reprotech/genomics";
import { createReprotechClient, followUploadProgress, uploadGenotypeFile } from "@reprotech/sdk";
import pg from "pg";
import { createTestDatabase } from "../support/database";
import { redisUrl } from "../support/env";
import { repoRoot, startServer, startWorker, type RunningServer } from "../support/server";
import { signInCookie } from "./support";

const nodeOptions: Record<string, string> = process.env.BENCH_NODE_OPTIONS
  ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }
  : {};
const cliEntry = path.join(repoRoot, "packages/sdk/dist/cli.js");
const N_PLATE = 96;
/** Plates through the pipeline; odd, so that one plate is the median. */
const N_PLATES = Number(process.env.BENCH_PLATES ?? 3);
const N_SNPS = 60_000;
const N_SINGLE = Number(process.env.BENCH_SINGLE ?? 200);

const ms = (x: number) => `${x.toFixed(0)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Peak (VmHWM) or current (VmRSS) resident set of a child process, in kB. */
async function rssKb(pid: number, field: "VmHWM" | "VmRSS" = "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
}

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat (fields 14 and 15, in ticks);
 * with `children`, also what its ended and reaped children used (fields 16 and 17): the CLI's runs.
 */
async function cpuSeconds(pid: number | "self", children = false): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const f = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return (f[11]! + f[12]! + (children ? f[13]! + f[14]! : 0)) / 100; // USER_HZ is 100 on Linux
}

interface LibraryRun {
  ms: number;
  cpu: number;
}

/** The genomics library reading the plate from disk by itself: wall time and this process's CPU. */
/**
 * Collects this process's garbage before a timed run (bench:pipeline runs with --expose-gc): the
 * files it generated leave a heap whose collection would otherwise land in some runs and not others.
 */
const collectOwnGarbage = () => (globalThis as { gc?: () => void }).gc?.();

async function libraryRun(plateFile: string, panel: SnpPanel): Promise<LibraryRun> {
  collectOwnGarbage();
  const t0 = performance.now();
  const cpu0 = await cpuSeconds("self");
  const direct = await readFinalReport(createReadStream(plateFile), { panel });
  const run = { ms: performance.now() - t0, cpu: (await cpuSeconds("self")) - cpu0 };
  if (direct.sampleIds.length !== N_PLATE) throw new Error(`library read ${direct.sampleIds.length} samples`);
  return run;
}

/** CPU seconds of every PostgreSQL process (the server here is used by nothing else during the run). */
async function postgresCpuSeconds(): Promise<number> {
  let total = 0;
  for (const pid of (await readdir("/proc")).filter((d) => /^\d+$/.test(d))) {
    const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
    if (comm.trim() === "postgres") total += await cpuSeconds(Number(pid)).catch(() => 0);
  }
  return total;
}

const database = await createTestDatabase();
const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 4 });
owner.on("error", () => {});
const tmp = await mkdtemp(path.join(os.tmpdir(), "bench-genotype-pipeline-"));
const children: RunningServer[] = [];
try {
  // The data lives in this function only (the panel aside, for the library's later runs): this
  // process, which follows the plate and sends the singles, holds what an uploading app would, not a
  // simulated population and parsed plates (with them live, each garbage collection cost far more).
  const {
    customerId,
    panelId,
    password,
    plateFiles,
    plateBytes,
    singleFiles,
    singleBytes,
    warmUpFile,
    libraryRuns,
    panel,
  } = await (async () => {
    // ---- data: a plate of 96 and N_SINGLE single animals, every sample an animal of the farm
    const pop = simulatePopulation({ seed: 7, nAnimals: N_PLATE + N_SINGLE + 1, nSnps: N_SNPS, nGenerations: 1 });
    const customerId = randomUUID();
    await owner.query(`INSERT INTO customers (id, name, updated_at) VALUES ($1, 'Bench farm', now())`, [customerId]);
    const officialIds = pop.animals.map((_, i) => `HO276${String(900_000_000 + i).padStart(12, "0")}`);
    await owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
       SELECT gen_random_uuid(), $1, o, 'HO', 'female', '2020-01-01', now() FROM unnest($2::text[]) AS o`,
      [customerId, officialIds],
    );
    const password = "bench password 123";
    const userId = randomUUID();
    await owner.query(
      `INSERT INTO users (id, email, display_name, role, password_hash, updated_at)
       VALUES ($1, 'lab@bench.test', 'Lab', 'technician', $2, now())`,
      [userId, await hashPassword(password)],
    );
    await owner.query(`INSERT INTO customer_assignments (user_id, customer_id) VALUES ($1, $2)`, [userId, customerId]);
    // The admin who makes the lab machine's API token for the CLI.
    await owner.query(
      `INSERT INTO users (id, email, display_name, role, password_hash, updated_at)
         VALUES (gen_random_uuid(), 'admin@bench.test', 'Admin', 'admin', $1, now())`,
      [await hashPassword(password)],
    );
    const panelId = randomUUID();
    await owner.query(
      `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
       VALUES ($1, 'Bench 60K', '1', $2, $3, $4, 'map')`,
      [panelId, pop.panel.size, genotypes.encodeMarkerMap(pop.panel), "0".repeat(64)],
    );

    // The same 96 animals on every plate (re-genotyped: each plate's genotypes become current), the
    // files told apart by a header line, so none is a repeat of another.
    const plateIds = officialIds.slice(0, N_PLATE);
    const plateRows = pop.genotypes.data.subarray(0, N_PLATE * Math.ceil(N_SNPS / 4));
    const plateFiles: string[] = [];
    for (let k = 0; k < N_PLATES; k++) {
      const file = path.join(tmp, `plate-${k}_FinalReport.txt`);
      const rows = { nSamples: N_PLATE, nSnps: N_SNPS, data: plateRows };
      const options = { alleleSets: ["ab" as const], header: { "Plate Barcode": `BENCH-${k}` } };
      await pipeline(Readable.from(writeFinalReport(pop.panel, plateIds, rows, options)), createWriteStream(file));
      plateFiles.push(file);
    }
    const plateBytes = (await stat(plateFiles[0]!)).size;
    const stride = Math.ceil(N_SNPS / 4);
    const singleFiles: string[] = [];
    for (let k = 0; k <= N_SINGLE; k++) {
      const i = N_PLATE + k;
      const file = path.join(tmp, `single-${k}.txt`);
      const row = { nSamples: 1, nSnps: N_SNPS, data: pop.genotypes.data.subarray(i * stride, (i + 1) * stride) };
      await writeFile(
        file,
        concatBytes([...writeFinalReport(pop.panel, [officialIds[i]!], row, { alleleSets: ["ab"] })]),
      );
      singleFiles.push(file);
    }
    const warmUpFile = singleFiles.pop()!; // one more single, uploaded before the plate
    const singleBytes = (await stat(warmUpFile)).size;

    // ---- a. the library alone: twice now, then after each plate (below): an odd count, one median
    const libraryRuns: LibraryRun[] = [];
    for (let run = 0; run < 2; run++) libraryRuns.push(await libraryRun(plateFiles[0]!, pop.panel));
    return {
      ...{ customerId, panelId, password, plateFiles, plateBytes, singleFiles, singleBytes, warmUpFile },
      ...{ libraryRuns, panel: pop.panel },
    };
  })();

  // ---- b. the pipeline: built server + built worker, real HTTP, SDK
  const env = {
    DATABASE_URL: database.appUrl,
    DATABASE_OWNER_URL: database.ownerUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `bench:${randomUUID()}:`,
    DATA_DIR: tmp,
    ...nodeOptions,
    LOG_LEVEL: "warn",
  };
  const server = await startServer(env);
  children.push(server);
  const worker = await startWorker({ ...env, LOG_LEVEL: "info" });
  children.push(worker);
  const signedIn = async (email: string): Promise<typeof fetch> => {
    const cookie = await signInCookie(server.url, email, password);
    return (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("cookie", cookie);
      headers.set("origin", server.url);
      return fetch(input, { ...init, headers });
    };
  };
  const withCookie = await signedIn("lab@bench.test");
  const client = createReprotechClient({ url: server.url, fetch: withCookie });
  const idle = { server: await rssKb(server.child.pid!, "VmHWM"), worker: await rssKb(worker.child.pid!, "VmHWM") };

  // The lab's command line, as built, uploads the plate; the SDK in this process sends the singles.
  // (This process holds ~70 MB of heap — tsx, pg, the genomics library — and every full collection
  // the upload's 220 MB of buffers set off cost ~0.1 s here; the CLI's own heap is a few MB.)
  const admin = createReprotechClient({ url: server.url, fetch: await signedIn("admin@bench.test") });
  const { token } = await admin.apiTokens.create.mutate({
    customerId,
    name: "bench lab machine",
    permissions: ["genotypes.read", "genotypes.upload"],
  });
  async function uploadWithCli(file: string): Promise<{ upload: { id: string } }> {
    const cli = spawn(
      process.execPath,
      [cliEntry, "--url", server.url, "--json", "genotypes", "upload", file, "--customer", customerId].concat([
        "--panel",
        panelId,
        "--no-follow",
      ]),
      {
        env: { PATH: process.env.PATH ?? "", REPROTECH_TOKEN: token, ...nodeOptions },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    cli.stdout.on("data", (d) => (out += d));
    cli.stderr.on("data", (d) => (err += d));
    const [code] = (await once(cli, "close")) as [number | null];
    if (code !== 0) throw new Error(`reprotech genotypes upload exited with ${code}: ${err}`);
    return JSON.parse(out) as { upload: { id: string } };
  }

  /** Upload start → completed, with when the upload answered and when each phase was first seen. */
  async function throughPipeline(file: string, size: number, via: "cli" | "sdk") {
    const start = performance.now();
    const { upload } =
      via === "cli"
        ? await uploadWithCli(file)
        : await uploadGenotypeFile({
            url: server.url,
            fetch: withCookie,
            customerId,
            panelId,
            fileName: path.basename(file),
            body: createReadStream(file, { highWaterMark: 1 << 20 }), // as the CLI reads a file
            size,
          });
    const uploaded = performance.now() - start;
    const firstSeen: Record<string, number> = {};
    const final = await followUploadProgress(client, { customerId, uploadId: upload.id }, (e) => {
      firstSeen[e.phase] ??= performance.now() - start;
    });
    const total = performance.now() - start;
    if (final.phase !== "completed")
      throw new Error(
        `upload ${upload.id} ended ${final.phase}: ${final.errorMessage}\nworker log:\n${worker.output().slice(-3000)}`,
      );
    return { total, uploaded, firstSeen, final };
  }

  const cpuOf = async () => ({
    client: await cpuSeconds("self", true),
    server: await cpuSeconds(server.child.pid!),
    worker: await cpuSeconds(worker.child.pid!),
    postgres: await postgresCpuSeconds(),
  });
  // A worker that has run before: its kept parse thread has compiled the parser, as the library has
  // in its later runs. (The first parse in a new thread costs ~0.5 s more: the worker starts its
  // thread before any job, but code is only compiled by running it.)
  await throughPipeline(warmUpFile, singleBytes, "sdk");
  const warm = { server: await rssKb(server.child.pid!), worker: await rssKb(worker.child.pid!) };
  // The plates one after another, each followed by a run of the library alone. On this shared
  // 2-core machine one run swings by up to ±25 % and the machine's pace drifts over a minute: the
  // ratio is the median plate's time over the median library run. (Later library runs have warm
  // code: if anything, that makes the baseline faster and the ratio harder to meet.)
  const plates: (Awaited<ReturnType<typeof throughPipeline>> & { cpu: Record<string, number> })[] = [];
  for (const file of plateFiles) {
    collectOwnGarbage();
    const cpu0 = await cpuOf();
    const plate = await throughPipeline(file, plateBytes, "cli");
    const cpu1 = await cpuOf();
    if (plate.final.storedCount !== N_PLATE) throw new Error(`plate stored ${plate.final.storedCount} of ${N_PLATE}`);
    const cpu = Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, v - cpu0[k as keyof typeof cpu0]]));
    plates.push({ ...plate, cpu });
    libraryRuns.push(await libraryRun(file, panel));
  }
  const afterPlate = { server: await rssKb(server.child.pid!), worker: await rssKb(worker.child.pid!) };
  const median = <T>(xs: T[], key: (x: T) => number) => [...xs].sort((a, b) => key(a) - key(b))[xs.length >> 1]!;
  const { ms: libraryMs, cpu: libraryCpu } = median(libraryRuns, (r) => r.ms);
  const plate = median(plates, (p) => p.total);
  const ratio = plate.total / libraryMs;
  const { cpu } = plate;
  const cpuTotal = cpu.client! + cpu.server! + cpu.worker! + cpu.postgres!;
  const cores = os.availableParallelism();

  // ---- c. single-animal uploads back to back
  const latencies: number[] = [];
  const c0 = performance.now();
  for (const file of singleFiles) latencies.push((await throughPipeline(file, singleBytes, "sdk")).total);
  const singleWall = performance.now() - c0;
  latencies.sort((x, y) => x - y);
  const mean = latencies.reduce((s, x) => s + x, 0) / latencies.length;
  const p95 = latencies[Math.min(latencies.length - 1, Math.ceil(0.95 * latencies.length) - 1)]!;
  const afterAll = { server: await rssKb(server.child.pid!), worker: await rssKb(worker.child.pid!) };

  const f = plate.firstSeen;
  console.log(`Genotype pipeline benchmark (node ${process.version}, ${os.availableParallelism()} cores)`);
  console.log(
    `a. library alone: ${N_PLATE} × ${N_SNPS} FinalReport (${(plateBytes / 1e6).toFixed(0)} MB) parsed in ${ms(libraryMs)} (median of ${libraryRuns.map((r) => r.ms.toFixed(0)).join(", ")} ms: two runs before the plates, one after each)`,
  );
  console.log(
    `b. pipeline upload → completed: ${ms(plate.total)} (median of ${plates.map((p) => p.total.toFixed(0)).join(", ")} ms)  ratio ${ratio.toFixed(2)}× the library alone (goal ≤ 1.3×)`,
  );
  console.log(`   the median plate:`);
  console.log(
    // A phase the subscription never saw (the worker took the job before it subscribed) says so.
    `   upload answered ${ms(plate.uploaded)}; first seen: ${(["queued", "reading", "storing", "completed"] as const)
      .map((phase) => `${phase} ${f[phase] === undefined ? "(passed unseen)" : ms(f[phase])}`)
      .join(", ")}`,
  );
  console.log(
    `   CPU used meanwhile: client ${cpu.client!.toFixed(2)} s, server ${cpu.server!.toFixed(2)} s, worker ${cpu.worker!.toFixed(2)} s, PostgreSQL ${cpu.postgres!.toFixed(2)} s — ${cpuTotal.toFixed(2)} s in all (the library alone: ${libraryCpu.toFixed(2)} s); on ${cores} cores no overlap gets below ${ms((cpuTotal / cores) * 1000)} = ${(((cpuTotal / cores) * 1000) / libraryMs).toFixed(2)}× the library alone`,
  );
  console.log(`   peak RSS after start-up, before any upload: server ${mb(idle.server)}, worker ${mb(idle.worker)}`);
  console.log(`   peak RSS after the warm-up single: server ${mb(warm.server)}, worker ${mb(warm.worker)}`);
  console.log(
    `   peak RSS after the plates: server ${mb(afterPlate.server)}, worker ${mb(afterPlate.worker)} (goal ≤ 300 MB each)`,
  );
  console.log(
    `c. ${N_SINGLE} single-animal uploads (${(singleBytes / 1e6).toFixed(1)} MB each) back to back: ${(N_SINGLE / (singleWall / 1000)).toFixed(1)} uploads/s, latency to completed mean ${ms(mean)}, p95 ${ms(p95)}`,
  );
  console.log(`   peak RSS at the end: server ${mb(afterAll.server)}, worker ${mb(afterAll.worker)}`);
} finally {
  for (const c of children) await c.stop();
  await owner.end();
  await database.drop();
  await rm(tmp, { recursive: true, force: true });
}

// Must-show 2: an imported effects file scores animals exactly as `plink2 --score` does. A simulated
// herd (library simulator) is stored on a panel registered from its .bim; an effects file gives each
// SNP's effect for the panel's B allele, its A allele (the sign must flip), or the complement of
// either (other strand), with strand-ambiguous SNPs, unknown SNPs and unknown alleles mixed in and an
// intercept in the header. It is imported, published (the real gbv-score job runs), and every stored
// prediction minus the intercept is compared with plink2 --score on the same genotypes written as
// .bed by the library, with plink2 given the original effect alleles (complemented ones translated to
// the panel's strand) and the frequencies the model stored — within 1e-6. Reliabilities are Daetwyler's,
// percentiles rank within the customer.
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { gbvScoreQueue } from "@reprotech/cache";
import { silentLogger } from "@reprotech/core";
import { gbv, genotypes, registerJobProcessors } from "@reprotech/domain";
import { complement, daetwylerReliability, isStrandAmbiguous, sampleInfo, writePlinkBinary } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import {
  effectsCsv,
  importForm,
  registerPanel,
  simulatedHerdPopulation,
  storeHerd,
  traitId,
  waitForJobs,
  type EffectLine,
  type Herd,
} from "./models-support";

let world: World;
let dataDir: string;
let herd: Herd;

const N_ANIMALS = 240;
const N_SNPS = 3001;
const INTERCEPT = 12.5;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-score-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-score-${process.pid}-${Date.now()}:` });
  await registerJobProcessors({
    runtime: world.deps.runtime,
    db: world.deps.db,
    pool: world.deps.pool,
    log: silentLogger,
    workerId: "gbv-score-test",
    concurrency: 1,
    auditRetentionMonths: world.deps.config.AUDIT_RETENTION_MONTHS,
    blobs: genotypes.blobStoreFromConfig(world.deps.config),
  });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const pop = simulatedHerdPopulation(7, N_ANIMALS, N_SNPS);
  const panelId = await registerPanel(tech, pop, "Score chip");
  herd = await storeHerd(world, pop, panelId, [world.customerA, world.customerB]);
}, 120_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Deterministic effects and allele choices per SNP. */
function fileLines(): {
  lines: EffectLine[];
  plink: { snp: string; allele: string; effect: number }[];
  ambiguous: number;
} {
  const lines: EffectLine[] = [];
  const plink: { snp: string; allele: string; effect: number }[] = [];
  let ambiguous = 0;
  herd.pop.panel.markers.forEach((m, j) => {
    // Small effects keep the sums below 1: plink2 prints scores with 6 significant digits, so larger sums
    // would be compared at a coarser precision than 1e-6.
    const effect = Math.sin(j * 12.9898) * 0.004;
    const kind = j % 4; // 0: B allele, 1: A allele, 2: complement of B, 3: complement of A
    const panelAllele = kind === 0 || kind === 2 ? m.b : m.a;
    const given = kind >= 2 ? complement(panelAllele) : panelAllele;
    lines.push({ snp: m.name, effect, allele: given });
    if (isStrandAmbiguous(m.a, m.b)) ambiguous++;
    else plink.push({ snp: m.name, allele: panelAllele, effect });
  });
  lines.push({ snp: "NOT_ON_PANEL_1", effect: 0.5, allele: "A" }, { snp: "NOT_ON_PANEL_2", effect: 0.5, allele: "G" });
  const odd = herd.pop.panel.markers.find((m) => !isStrandAmbiguous(m.a, m.b) && m.a !== "I")!;
  // An allele that is neither letter nor their complement: replaces that SNP's line.
  const letters = ["A", "C", "G", "T"].filter((x) => ![odd.a, odd.b, complement(odd.a), complement(odd.b)].includes(x));
  expect(letters.length).toBe(0); // for an unambiguous SNP every nucleotide is a letter or a complement…
  const k = lines.findIndex((l) => l.snp === odd.name);
  lines[k] = { snp: odd.name, effect: 1, allele: "I" }; // …so an indel letter is the unknown allele
  plink.splice(
    plink.findIndex((p) => p.snp === odd.name),
    1,
  );
  return { lines, plink, ambiguous };
}

function runPlink2(args: string[]) {
  return execFileSync("plink2", ["--threads", "2", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("imported effects scored like plink2 --score", () => {
  it("imports, publishes, scores every animal of both farms within 1e-6 of plink2, with the dropped SNPs reported", async () => {
    const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
    const { lines, plink, ambiguous } = fileLines();
    const milk = await traitId(world, "milk_production");
    const imported = await researcher.gbv.models.import(
      importForm(
        { traitId: milk, panelId: herd.panelId, referenceSize: "5000" },
        effectsCsv(lines, { intercept: INTERCEPT }),
      ),
    );
    expect(imported.report).toMatchObject({
      rows: N_SNPS + 2,
      used: plink.length,
      frequencySource: "genotypes",
      frequencyAnimals: N_ANIMALS,
    });
    expect(imported.report.dropped.unknownSnp).toEqual({ count: 2, first: ["NOT_ON_PANEL_1", "NOT_ON_PANEL_2"] });
    expect(imported.report.dropped.unknownAllele.count).toBe(1);
    expect(imported.report.dropped.ambiguous.count).toBe(ambiguous);
    expect(ambiguous).toBeGreaterThan(0);
    expect(imported.report.flipped).toBeGreaterThan(0);
    expect(imported.report.complemented).toBeGreaterThan(0);

    await researcher.gbv.models.publish({ modelId: imported.modelId });
    await waitForJobs(world, gbvScoreQueue, 1);

    // The frequencies the model stored (computed from the herd's genotypes), for plink2's centring.
    const { rows: modelRows } = await world.owner.query(
      `SELECT allele_freqs, intercept FROM gbv_models WHERE id = $1`,
      [imported.modelId],
    );
    const p = gbv.decodeFloat64(new Uint8Array(modelRows[0].allele_freqs));
    expect(modelRows[0].intercept).toBe(INTERCEPT);

    const dir = await mkdtemp(path.join(tmpdir(), "reprotech-plink-"));
    try {
      const prefix = path.join(dir, "herd");
      const files = writePlinkBinary(
        herd.pop.panel,
        herd.officialIds.map((id) => sampleInfo(id)),
        herd.pop.genotypes,
      );
      await pipeline(Readable.from(files.bed), createWriteStream(`${prefix}.bed`));
      await writeFile(`${prefix}.bim`, files.bim);
      await writeFile(`${prefix}.fam`, files.fam);
      // .bim column 6 (the B allele) is plink2's REF, column 5 its ALT.
      const afreq = ["#CHROM\tID\tREF\tALT\tALT_FREQS\tOBS_CT"];
      herd.pop.panel.markers.forEach((m, j) =>
        afreq.push(`${m.chrom}\t${m.name}\t${m.b}\t${m.a}\t${(1 - p[j]!).toPrecision(17)}\t${2 * N_ANIMALS}`),
      );
      await writeFile(`${prefix}.afreq`, afreq.join("\n") + "\n");
      await writeFile(
        `${prefix}.weights`,
        ["ID\tALLELE\tW", ...plink.map((w) => `${w.snp}\t${w.allele}\t${w.effect.toPrecision(17)}`)].join("\n") + "\n",
      );
      runPlink2([
        "--cow",
        "--bfile",
        prefix,
        "--read-freq",
        `${prefix}.afreq`,
        "--score",
        `${prefix}.weights`,
        "1",
        "2",
        "3",
        "header-read",
        "center",
        "no-mean-imputation",
        "cols=+scoresums",
        "--out",
        prefix,
      ]);
      const table = (await readFile(`${prefix}.sscore`, "utf8")).trim().split("\n");
      const header = table[0]!.replace(/^#/, "").split(/\s+/);
      const iid = header.indexOf("IID");
      const sum = header.indexOf("W_SUM");
      const plinkScore = new Map(table.slice(1).map((l) => [l.split(/\s+/)[iid]!, Number(l.split(/\s+/)[sum])]));
      expect(plinkScore.size).toBe(N_ANIMALS);

      const { rows: preds } = await world.owner.query(
        `SELECT genotype_id::text AS g, value, reliability, is_current, percentile_customer, customer_id::text AS c
           FROM gbv_predictions WHERE model_id = $1`,
        [imported.modelId],
      );
      expect(preds).toHaveLength(N_ANIMALS);
      const byGenotype = new Map(preds.map((r) => [r.g as string, r]));
      let worst = 0;
      herd.genotypeIds.forEach((g, i) => {
        const stored = byGenotype.get(g)!;
        expect(stored.is_current).toBe(true);
        worst = Math.max(worst, Math.abs(stored.value - INTERCEPT - plinkScore.get(herd.officialIds[i]!)!));
      });
      expect(worst).toBeLessThan(1e-6);
      const rel = daetwylerReliability(5000, 0.3);
      for (const r of preds) expect(r.reliability).toBeCloseTo(rel, 12);
      // Percentiles rank within each customer: its best animal is 100, its worst 0.
      for (const c of [world.customerA, world.customerB]) {
        const mine = preds.filter((r) => r.c === c).sort((a, b) => a.value - b.value);
        expect(mine[0]!.percentile_customer).toBe(0);
        expect(mine.at(-1)!.percentile_customer).toBe(100);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("re-running the job writes only the prediction a loaded model is missing, re-ranks, and leaves the other rows alone", async () => {
    const { rows: models } = await world.owner.query(
      `SELECT id::text FROM gbv_models WHERE panel_id = $1 AND status = 'published'`,
      [herd.panelId],
    );
    const modelId = models[0].id as string;
    // xmin: the transaction that last wrote a row (a rewrite in place changes it).
    const predictions = async () =>
      (
        await world.owner.query(
          `SELECT genotype_id, value, reliability, is_current, percentile_breed, percentile_customer, xmin::text AS xmin
             FROM gbv_predictions WHERE model_id = $1 ORDER BY genotype_id`,
          [modelId],
        )
      ).rows;
    const rerun = () => gbv.scoreModelsBatch(world.deps, [modelId], { pageSize: 50 });
    const before = await predictions();
    const withoutXmin = (rows: typeof before) => rows.map(({ xmin: _, ...r }) => r);
    const untouched = (rows: typeof before, touched: number[]) => rows.filter((_r, i) => !touched.includes(i));
    // Two rows without percentiles, as if the run that wrote them stopped before ranking them: a
    // re-run has nothing to score but ranks them again.
    await world.owner.query(
      `UPDATE gbv_predictions SET percentile_breed = NULL, percentile_customer = NULL
        WHERE model_id = $1 AND genotype_id = ANY($2::uuid[])`,
      [modelId, [before[3].genotype_id, before[4].genotype_id]],
    );
    expect(await rerun()).toEqual({ models: 1, genotypes: 0, predictions: 0 });
    const ranked = await predictions();
    expect(withoutXmin(ranked)).toEqual(withoutXmin(before));
    expect(untouched(ranked, [3, 4])).toEqual(untouched(before, [3, 4]));
    // A current genotype without its GBV, as one stored after the load whose own scoring never ran:
    // the same value, reliability and percentiles come back, and no other row is written again.
    await world.owner.query(`DELETE FROM gbv_predictions WHERE model_id = $1 AND genotype_id = $2`, [
      modelId,
      before[7].genotype_id,
    ]);
    expect(await rerun()).toEqual({ models: 1, genotypes: 1, predictions: 1 });
    const after = await predictions();
    expect(withoutXmin(after)).toEqual(withoutXmin(before));
    expect(untouched(after, [7])).toEqual(untouched(ranked, [7]));
    // Once nothing is missing, a re-run writes nothing.
    expect(await rerun()).toEqual({ models: 1, genotypes: 0, predictions: 0 });
    expect(await predictions()).toEqual(after);
  }, 60_000);
});

// Importing published marker effects: an XLSX with a frequency column (effects and frequencies given
// for the A allele are stored for the counted B allele: sign flipped, 1 - f), the raw file kept under
// ml-models/, the dropped-SNP report on the draft's provenance; and the bad-input list — a non-numeric
// effect, an empty file, a header without SNPs, a missing column, duplicate SNPs, a file of unknown
// SNPs only, no frequencies anywhere, conflicting intercepts, a model for a panel no animal has —
// each refused with a clear message and nothing written.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gbv, genotypes } from "@reprotech/domain";
import { isStrandAmbiguous, readAllBytes } from "@reprotech/genomics";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import {
  effectsCsv,
  importForm,
  registerPanel,
  simulatedHerdPopulation,
  storeHerd,
  traitId,
  type Herd,
} from "./models-support";

let world: World;
let dataDir: string;
let herd: Herd;
let emptyPanel: string;
let researcher: Awaited<ReturnType<typeof callerFor>>["caller"];
let fertility: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-import-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-import-${process.pid}-${Date.now()}:` });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const pop = simulatedHerdPopulation(3, 30, 400);
  herd = await storeHerd(world, pop, await registerPanel(tech, pop, "Import chip"), [world.customerA]);
  emptyPanel = await registerPanel(tech, pop, "Unused chip");
  researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
  fertility = await traitId(world, "fertility");
}, 120_000);
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const modelCount = async () => Number((await world.owner.query(`SELECT count(*)::int AS n FROM gbv_models`)).rows[0].n);

const unambiguous = () =>
  herd.pop.panel.markers.map((m, j) => ({ m, j })).filter(({ m }) => !isStrandAmbiguous(m.a, m.b));

async function refused(form: FormData, message: RegExp) {
  const before = await modelCount();
  await expect(researcher.gbv.models.import(form)).rejects.toMatchObject({ code: "BAD_REQUEST", message });
  expect(await modelCount()).toBe(before);
}

describe("gbv.models.import", () => {
  it("imports an XLSX with frequencies: A-allele effects flip sign, frequencies become 1 - f, the file is kept", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("effects");
    sheet.addRow(["Marker", "Beta", "A1", "EAF"]);
    const snps = unambiguous().slice(0, 40);
    snps.forEach(({ m }, k) => sheet.addRow([m.name, 0.01 * (k + 1), k % 2 ? m.a : m.b, 0.2 + k / 100]));
    sheet.addRow(["NOT_A_SNP", 0.3, "A", 0.5]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const result = await researcher.gbv.models.import(
      importForm(
        { traitId: fertility, panelId: herd.panelId, referenceSize: "2000", heritability: "0.05" },
        new Blob([bytes]),
        "effects.xlsx",
      ),
    );
    expect(result.version).toBe(1);
    expect(result.report).toMatchObject({ rows: 41, used: 40, flipped: 20, complemented: 0, frequencySource: "file" });
    expect(result.report.dropped.unknownSnp).toEqual({ count: 1, first: ["NOT_A_SNP"] });

    const { rows } = await world.owner.query(
      `SELECT effects, allele_freqs, status::text, snp_count, artefact_key, reliability FROM gbv_models WHERE id = $1`,
      [result.modelId],
    );
    const effects = gbv.decodeFloat64(new Uint8Array(rows[0].effects));
    const freqs = gbv.decodeFloat64(new Uint8Array(rows[0].allele_freqs));
    snps.forEach(({ j }, k) => {
      const sign = k % 2 ? -1 : 1;
      expect(effects[j]).toBeCloseTo(sign * 0.01 * (k + 1), 15);
      expect(freqs[j]).toBeCloseTo(sign > 0 ? 0.2 + k / 100 : 1 - (0.2 + k / 100), 15);
    });
    expect(effects.filter((e) => e !== 0)).toHaveLength(40);
    expect(rows[0]).toMatchObject({ status: "draft", snp_count: 40 });
    expect(rows[0].reliability).toEqual({ method: "daetwyler", nReference: 2000, h2: 0.05 });
    expect(rows[0].artefact_key).toBe(`ml-models/gbv/fertility/panel-${herd.panelId}/v1/effects-xlsx`);
    const stored = await readAllBytes(
      await genotypes.blobStoreFromConfig({ DATA_DIR: dataDir }).get(rows[0].artefact_key),
    );
    expect(Buffer.from(stored).equals(Buffer.from(bytes))).toBe(true);

    const detail = await researcher.gbv.models.get({ modelId: result.modelId });
    expect(detail).toMatchObject({
      status: "draft",
      source: "imported",
      version: 1,
      heritability: 0.05,
      reliabilityMethod: "daetwyler",
      reliability: { method: "daetwyler", nReference: 2000, h2: 0.05, lambda: null },
      provenance: { kind: "imported", fileName: "effects.xlsx", format: "xlsx", used: 40 },
    });
    expect((detail.provenance as { dropped: unknown }).dropped).toEqual(result.report.dropped);
    const audit = await world.owner.query(
      `SELECT target_id::text FROM audit_log WHERE action = 'gbv.models.import' AND result = 'ok' AND target_id = $1`,
      [result.modelId],
    );
    expect(audit.rows).toHaveLength(1);
  });

  it("reports unknown alleles and ambiguous SNPs by name on the draft", async () => {
    const markers = herd.pop.panel.markers;
    const amb = markers.find((m) => isStrandAmbiguous(m.a, m.b))!;
    const ok = unambiguous()[0]!.m;
    const bad = unambiguous()[1]!.m;
    const result = await researcher.gbv.models.import(
      importForm(
        { traitId: fertility, panelId: herd.panelId, referenceSize: "100" },
        effectsCsv([
          { snp: ok.name, effect: 0.1, allele: ok.b },
          { snp: bad.name, effect: 0.1, allele: "I" },
          { snp: amb.name, effect: 0.1, allele: amb.a },
          { snp: "rs_unknown", effect: 0.1, allele: "A" },
        ]),
      ),
    );
    expect(result.report.used).toBe(1);
    expect(result.report.dropped).toEqual({
      unknownSnp: { count: 1, first: ["rs_unknown"] },
      unknownAllele: { count: 1, first: [`${bad.name} (I is not ${bad.a} or ${bad.b})`] },
      ambiguous: { count: 1, first: [`${amb.name} (${amb.a}/${amb.b})`] },
    });
    expect(result.report.frequencySource).toBe("genotypes");
    expect(result.report.frequencyAnimals).toBe(30);
  });

  it("refuses bad files with a clear message and writes nothing", async () => {
    const m = unambiguous().map(({ m }) => m);
    const form = (text: string, panelId = herd.panelId, extra: Record<string, string> = {}) =>
      importForm({ traitId: fertility, panelId, referenceSize: "100", ...extra }, text);
    await refused(
      form(
        effectsCsv([
          { snp: m[0]!.name, effect: "0.1", allele: m[0]!.b },
          { snp: m[1]!.name, effect: "big", allele: m[1]!.b },
        ]),
      ),
      /row 3 \(.+\): effect "big" is not a number/,
    );
    await refused(form(""), /The effects file is empty/);
    await refused(form("SNP,Effect,Effect_allele\n"), /header row but no data rows/);
    await refused(form(`SNP,Effect\n${m[0]!.name},0.1\n`), /no effect allele column/);
    await refused(
      form(
        effectsCsv([
          { snp: m[0]!.name, effect: 0.1, allele: m[0]!.b },
          { snp: m[1]!.name, effect: 0.1, allele: m[1]!.b },
          { snp: m[0]!.name, effect: 0.2, allele: m[0]!.b },
        ]),
      ),
      new RegExp(`appear more than once: ${m[0]!.name} \\(rows 2 and 4\\)`),
    );
    await refused(
      form(
        effectsCsv([
          { snp: "X1", effect: 0.1, allele: "A" },
          { snp: "X2", effect: 0.1, allele: "G" },
        ]),
      ),
      /No SNP of the file could be used .*2 not on the panel/,
    );
    await refused(
      form(effectsCsv([{ snp: m[0]!.name, effect: 0.1, allele: m[0]!.b }]), emptyPanel),
      /no allele frequency column and no animal is genotyped on panel/,
    );
    await refused(
      form(effectsCsv([{ snp: m[0]!.name, effect: 0.1, allele: m[0]!.b }], { intercept: 3 }), herd.panelId, {
        intercept: "4",
      }),
      /intercept given \(4\) differs from the one in the file's header \(3\)/,
    );
    await refused(
      importForm(
        { traitId: fertility, panelId: herd.panelId },
        effectsCsv([{ snp: m[0]!.name, effect: 0.1, allele: m[0]!.b }]),
      ),
      /referenceSize/,
    );
  });

  it("refuses to publish a model for a panel no animal has; the model stays a draft", async () => {
    const m = unambiguous()[0]!.m;
    const draft = await researcher.gbv.models.import(
      importForm(
        { traitId: fertility, panelId: emptyPanel, referenceSize: "100" },
        effectsCsv([{ snp: m.name, effect: 0.1, allele: m.b, frequency: 0.4 }], { frequencies: true }),
      ),
    );
    await expect(researcher.gbv.models.publish({ modelId: draft.modelId })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/No animal is genotyped on panel .*: a model for it would score nobody/),
    });
    expect((await researcher.gbv.models.get({ modelId: draft.modelId })).status).toBe("draft");
  });
});

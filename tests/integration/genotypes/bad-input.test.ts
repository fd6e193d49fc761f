// Issue 6 "Bad input", stage by stage, each with its exact user-facing message and proof that
// nothing was half-written:
// - refused at the upload (POST /api/v1/genotypes/uploads over HTTP, status 400): 0-byte file,
//   header only, binary garbage, a file of another panel (FinalReport, VCF, .ped) and a file most of
//   whose SNPs are not on the panel — no upload row, no blob (not even a staged one);
// - failed by the ingest job (upload row `failed` with the reader's message): truncated mid-row
//   (FinalReport, also cut inside a row's last column or right after a line break inside the last
//   sample, and VCF), binary garbage past the sniffed
//   start, a FinalReport with a missing allele column, a VCF whose FORMAT has no GT, a VCF repeating
//   a sample column — no genotype, no sample result;
// - per-sample outcomes of a completed upload: a sample ID repeated in a FinalReport (that sample is an
//   error, the others are stored), a few SNPs not on the panel (ignored and noted on each sample result).
// Elsewhere: a file over the size limit (stream.test.ts, upload.test.ts), a customer outside the
// caller's scope (upload.test.ts, stream.test.ts), a customer user uploading for another farm
// (tenancy.test.ts), compressed and unrecognised files (upload.test.ts).
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypes } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let cookie: string;
let store: genotypes.BlobStore;
let panelA: { id: string; label: string };
const animals: { id: string; officialId: string }[] = [];

const SNPS_A = Array.from({ length: 20 }, (_, j) => `A${j + 1}`);
const SNPS_B = Array.from({ length: 20 }, (_, j) => `B${j + 1}`);
const mapOf = (snps: string[]) => snps.map((s, j) => `1 ${s} 0 ${(j + 1) * 1000}`).join("\n") + "\n";
/** One AB call per SNP, cycling AA, AB, BB; B-allele counts 0, 1, 2. */
const call = (j: number) => ["AA", "AB", "BB"][j % 3]!;

function finalReport(sampleIds: string[], snps = SNPS_A, columns = ["Allele1 - AB", "Allele2 - AB"]): string {
  const header = ["SNP Name", "Sample ID", ...columns, "GC Score"];
  const rows = sampleIds.flatMap((id) =>
    snps.map((snp, j) => [snp, id, ...columns.map((_, k) => call(j)[k]!), "0.9"].join(",")),
  );
  return ["[Header]", "GSGT Version,2.0.4", "[Data]", header.join(","), ...rows, ""].join("\n");
}

function vcf(sampleIds: string[], snps = SNPS_A, format = "GT"): string {
  const gt = (j: number) => (format === "GT" ? ["0/0", "0/1", "1/1"][j % 3]! : "35");
  return [
    "##fileformat=VCFv4.2",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", ...sampleIds].join("\t"),
    ...snps.map((snp, j) =>
      ["1", String((j + 1) * 1000), snp, "A", "G", ".", ".", ".", format, ...sampleIds.map(() => gt(j))].join("\t"),
    ),
    "",
  ].join("\n");
}

const ped = (nSnps: number) => `F1 S1 0 0 2 -9 ${Array.from({ length: nSnps }, () => "A G").join(" ")}\n`;

/** PLINK .bed codes of the calls on SNPS_A: 0 B alleles 00, one 10, two 11. */
function packedCalls(): Uint8Array {
  const out = new Uint8Array(Math.ceil(SNPS_A.length / 4));
  SNPS_A.forEach((_, j) => (out[j >> 2]! |= [0b00, 0b10, 0b11][j % 3]! << ((j & 3) * 2)));
  return out;
}

const count = async (sql: string, params: unknown[]) => (await world.owner.query(sql, params)).rows[0].n as number;
const uploadRows = () =>
  count(`SELECT count(*)::int AS n FROM genotype_uploads WHERE customer_id = $1`, [world.customerA]);
const genotypeRows = () => count(`SELECT count(*)::int AS n FROM genotypes WHERE customer_id = $1`, [world.customerA]);
async function blobFiles(): Promise<string[]> {
  const root = path.join(dataDir, "blobs");
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

/**
 * The blob files once the route's cleanup ran: it removes its staged copy in a `finally` that may run
 * just after the answer went out, so a staged file may be seen for a moment (never for long).
 */
async function settledBlobFiles(expected: string[]): Promise<string[]> {
  let files = await blobFiles();
  for (let i = 0; i < 40 && JSON.stringify(files) !== JSON.stringify(expected); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    files = await blobFiles();
  }
  return files;
}

/** POSTs the file to the REST upload route as customer A's technician. */
async function post(content: string | Uint8Array, panelId = panelA.id) {
  const fd = new FormData();
  fd.set("customerId", world.customerA);
  fd.set("panelId", panelId);
  fd.set("file", new File([content], "upload.txt"));
  const res = await fetch(`${url}/api/v1/genotypes/uploads`, {
    method: "POST",
    headers: { cookie, origin: url },
    body: fd,
  });
  return { status: res.status, body: (await res.json()) as { error?: string; upload?: { id: string } } };
}

/** Uploads (accepted) and runs the ingest job in-process, as the worker would. */
async function uploadAndIngest(content: string | Uint8Array) {
  const res = await post(content);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const uploadId = res.body.upload!.id;
  const outcome = await genotypes.ingestUpload(world.deps.db, store, { uploadId, customerId: world.customerA });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  return {
    uploadId,
    outcome,
    upload: await tech.genotypes.uploads.get({ uploadId }),
    samples: await tech.genotypes.uploads.samples({ customerId: world.customerA, uploadId }),
    genotypes: (
      await world.owner.query(`SELECT animal_id, packed FROM genotypes WHERE upload_id = $1`, [uploadId])
    ).rows.map((r) => ({ animalId: r.animal_id as string, packed: new Uint8Array(r.packed as Buffer) })),
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-bad-input-"));
  const prefix = `test:bad-input-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  cookie = await sessionCookieFor(world, world.usersA.technician.email);
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  const id = await registerMapPanel(tech, mapOf(SNPS_A), "Bad input chip A");
  const panel = (await tech.genotypes.panels.list()).find((p) => p.id === id)!;
  panelA = { id, label: `${panel.name} v${panel.version}` };
  for (let i = 0; i < 3; i++) {
    const a = { id: randomUUID(), officialId: newOfficialId() };
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
      [a.id, world.customerA, a.officialId],
    );
    animals.push(a);
  }
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("refused at the upload: 400 with the reason, no row, no blob", () => {
  const ids = () => animals.map((a) => a.officialId);
  const garbage = () => {
    // Deterministic bytes of every value, as a corrupt or mis-chosen binary file would have.
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
    return bytes;
  };
  const cases: [string, () => string | Uint8Array, () => string][] = [
    ["a 0-byte file", () => "", () => "The file is empty"],
    [
      "a FinalReport with its header only",
      () => finalReport([]),
      () => "The FinalReport has only its header: no genotype rows",
    ],
    [
      "binary garbage",
      garbage,
      () => "The file is binary, not a text genotype file (Illumina FinalReport, VCF or PLINK .ped)",
    ],
    [
      "a FinalReport of panel B uploaded as panel A",
      () => finalReport(ids(), SNPS_B),
      () => `20 of 20 SNPs in the file are not on panel ${panelA.label}: is this the right panel?`,
    ],
    [
      "a VCF of panel B uploaded as panel A",
      () => vcf(ids(), SNPS_B),
      () => `20 of 20 SNPs in the file are not on panel ${panelA.label}: is this the right panel?`,
    ],
    [
      "a FinalReport most of whose SNPs are not on the panel",
      () => finalReport(ids(), [...SNPS_A.slice(0, 9), ...SNPS_B.slice(0, 11)]),
      () => `11 of 20 SNPs in the file are not on panel ${panelA.label}: is this the right panel?`,
    ],
    [
      "a FinalReport of a 12,000-SNP chip, judged from its first 10,000 SNPs",
      () =>
        finalReport(
          [ids()[0]!],
          Array.from({ length: 12_000 }, (_, j) => `OTHER${j}`),
        ),
      () => `10000 of the first 10000 SNPs in the file are not on panel ${panelA.label}: is this the right panel?`,
    ],
    [
      "a PLINK .ped of a 12-SNP chip uploaded as the 20-SNP panel A",
      () => ped(12),
      () => `The file has 12 SNPs per sample, panel ${panelA.label} has 20: is this the right panel?`,
    ],
  ];
  for (const [what, content, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = { rows: await uploadRows(), blobs: await blobFiles() };
      const res = await post(content());
      expect(res).toEqual({ status: 400, body: expect.objectContaining({ error: message() }) });
      expect(await uploadRows()).toBe(before.rows);
      expect(await settledBlobFiles(before.blobs)).toEqual(before.blobs);
    });
  }
});

describe("failed by the ingest: the upload ends failed with the reader's message, nothing stored", () => {
  const ids = () => animals.map((a) => a.officialId);
  /** The file cut off after `keep` lines and `fields` fields of the next one (no line break). */
  const truncated = (full: string, keep: number, sep: string, fields: number) => {
    const lines = full.split("\n");
    const cut = lines[keep]!.split(sep).slice(0, fields).join(sep);
    return { text: [...lines.slice(0, keep), cut].join("\n"), line: keep + 1 };
  };
  const cases: [string, () => { content: string | Uint8Array; message: string }][] = [
    [
      "a FinalReport truncated mid-row",
      () => {
        // 4 header lines, then rows: cut the 30th row after its third column.
        const t = truncated(finalReport(ids()), 33, ",", 3);
        return {
          content: t.text,
          message: `The file could not be read: line ${t.line}: FinalReport: file ends mid-row: 3 of 5 columns`,
        };
      },
    ],
    [
      "a FinalReport cut inside the last column of a row (every column there, the sample short)",
      () => {
        const lines = finalReport(ids()).split("\n");
        const a2 = ids()[1]!;
        // Row 30 is sample 2's tenth: "A10,<id>,A,B,0.9" ends as "…,0." with no line break.
        const text = [...lines.slice(0, 33), lines[33]!.slice(0, -1)].join("\n");
        return {
          content: text,
          message: `The file could not be read: line 34: FinalReport: file ends mid-row: sample ${a2} has 10 rows, the first sample has 20`,
        };
      },
    ],
    [
      "a FinalReport cut right after a line break inside its last sample (every row whole, the sample short)",
      () => {
        const lines = finalReport(ids()).split("\n");
        const a2 = ids()[1]!;
        // Header lines, sample 1's 20 rows and sample 2's first 10, ending on a line break.
        const text = [...lines.slice(0, 34), ""].join("\n");
        return {
          content: text,
          message: `The file could not be read: line 34: FinalReport: file ends inside the last sample: sample ${a2} has 10 of the first sample's 20 SNPs and stops before its last one (is the file cut short?)`,
        };
      },
    ],
    [
      "a VCF truncated mid-row",
      () => {
        const t = truncated(vcf(ids()), 12, "\t", 5);
        return {
          content: t.text,
          message: `The file could not be read: line ${t.line}: VCF: record has 5 columns, expected 12 (file truncated mid-row)`,
        };
      },
    ],
    [
      "binary garbage after 64 KB of good rows",
      () => {
        // Past what the upload sniffs for control bytes: only the reader sees it.
        const good = finalReport(Array.from({ length: 150 }, (_, i) => `UNMATCHED${i}`));
        const bytes = new Uint8Array([...new TextEncoder().encode(good), 0x00, 0x01, 0xfe, 0x02, 0x0a]);
        return {
          content: bytes,
          message: `The file could not be read: line ${good.split("\n").length}: FinalReport: binary data (control byte) in a data row`,
        };
      },
    ],
    [
      "a FinalReport with a missing allele column",
      () => ({
        content: finalReport(ids(), SNPS_A, ["Allele1 - AB"]),
        message:
          'The file could not be read: line 4: FinalReport: missing required column "Allele2 - AB" in the [Data] header (columns: SNP Name, Sample ID, Allele1 - AB, GC Score)',
      }),
    ],
    [
      "a VCF whose FORMAT has no GT (though its header declares GT)",
      () => ({
        content: vcf(ids(), SNPS_A, "GQ"),
        message:
          "The file could not be read: VCF has no GT field: none of its 20 records carries genotypes (FORMAT lists no GT)",
      }),
    ],
    [
      "a VCF repeating a sample column (invalid VCF: the columns cannot be told apart)",
      () => {
        const [a1, a2] = ids() as [string, string];
        return {
          content: vcf([a1, a2, a1]),
          message: `The file could not be read: line 3: VCF: sample ${a1} appears twice in the header`,
        };
      },
    ],
  ];
  for (const [what, make] of cases) {
    it(`fails ${what}`, async () => {
      const { content, message } = make();
      const before = await genotypeRows();
      const r = await uploadAndIngest(content);
      expect(r.outcome).toEqual({
        status: "failed",
        sampleCount: 0,
        matchedCount: 0,
        storedCount: 0,
        errorMessage: message,
      });
      expect(r.upload).toMatchObject({ status: "failed", errorMessage: message, storedCount: null });
      expect(r.samples).toEqual([]);
      expect(r.genotypes).toEqual([]);
      expect(await genotypeRows()).toBe(before);
    });
  }
});

describe("per-sample outcomes: the upload completes, the good samples are stored", () => {
  it("a sample ID repeated in a FinalReport is one error result; the other samples are stored", async () => {
    const [a1, a2, a3] = animals as [(typeof animals)[0], (typeof animals)[0], (typeof animals)[0]];
    // a1's rows, a2's, then a1's again (a re-run appended to the plate), then a3's.
    const r = await uploadAndIngest(finalReport([a1.officialId, a2.officialId, a1.officialId, a3.officialId]));
    expect(r.outcome).toEqual({ status: "completed", sampleCount: 3, matchedCount: 2, storedCount: 2 });
    expect(r.upload).toMatchObject({ status: "completed", errorMessage: null, sampleCount: 3, storedCount: 2 });
    const bySample = Object.fromEntries(r.samples.map((s) => [s.sampleId, s]));
    expect(bySample[a1.officialId]).toMatchObject({
      animalId: null,
      outcome: "error",
      callRate: null,
      messages: [`sample ${a1.officialId} appears 2 times in the file: none of its genotypes were stored`],
    });
    expect(bySample[a2.officialId]).toMatchObject({ animalId: a2.id, outcome: "stored" });
    expect(bySample[a3.officialId]).toMatchObject({ animalId: a3.id, outcome: "stored" });
    expect(r.genotypes.map((g) => g.animalId).sort()).toEqual([a2.id, a3.id].sort());
  });

  it("a few SNPs not on the panel are ignored, reported on the sample, and the panel's SNPs stored", async () => {
    const [a1] = animals as [(typeof animals)[0]];
    // 2 of 22 SNPs unknown: under the wrong-panel threshold, so the upload is taken.
    const content = finalReport([a1.officialId], [...SNPS_A.slice(0, 10), "X1", "X2", ...SNPS_A.slice(10)]);
    const r = await uploadAndIngest(content);
    expect(r.outcome).toEqual({ status: "completed", sampleCount: 1, matchedCount: 1, storedCount: 1 });
    expect(r.samples).toEqual([
      expect.objectContaining({
        sampleId: a1.officialId,
        outcome: "stored",
        callRate: 1,
        messages: ["2 of the file's 22 SNPs are not on the panel and were ignored"],
      }),
    ]);
    // The unknown rows took call() positions 10 and 11, so the panel's SNPs after them shifted by 2.
    const expected = new Uint8Array(Math.ceil(SNPS_A.length / 4));
    SNPS_A.forEach((_, j) => {
      const k = j < 10 ? j : j + 2;
      expected[j >> 2]! |= [0b00, 0b10, 0b11][k % 3]! << ((j & 3) * 2);
    });
    expect(r.genotypes).toEqual([{ animalId: a1.id, packed: expected }]);
    expect(packedCalls()).not.toEqual(expected); // the shift is real: the test tells the SNPs apart
  });
});

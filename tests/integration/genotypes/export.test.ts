// PLINK export over real HTTP (POST/GET /api/v1/genotypes/export, the SDK and the CLI): a simulated
// FinalReport is uploaded and ingested, exported as .bed/.bim/.fam and as .ped/.map, unzipped here,
// and PLINK 1.9 itself reads the files back: every call equals the library's direct parse of the
// uploaded file, and the .fam carries farm, official ID, recorded parents and sex. Failure paths:
// empty and oversized selections, unknown animals, animals without a genotype, mixed panels,
// unauthenticated, another farm's animal (answered exactly like an unknown id), staff scope.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { inflateRawSync } from "node:zlib";
import { genotypes } from "@reprotech/domain";
import {
  concatBytes,
  countAt,
  formatMap,
  MISSING,
  parseMap,
  readFinalReport,
  sampleRow,
  simulatePopulation,
  writeFinalReport,
  type SnpPanel,
} from "@reprotech/genomics";
import { exportGenotypes, GenotypeExportError } from "@reprotech/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { repoRoot } from "../../support/server";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

const run = promisify(execFile);

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let store: genotypes.BlobStore;
let panel: SnpPanel;
let panelId: string;
let otherPanelId: string;
let farmName: string;
/** Sample ID → B-allele counts per SNP, from the library's own parse of the uploaded file. */
const expected = new Map<string, Int8Array>();
/** Farm A's genotyped animals in simulation order. */
const herd: { id: string; officialId: string; sex: 1 | 2; sire: string | null; dam: string | null }[] = [];
let noGenotype: { id: string; officialId: string };
let onOtherPanel: { id: string; officialId: string };
let farmBAnimal: { id: string; officialId: string };
const cookies: Record<string, string> = {};
let token: string;

const N = 16;
const SNPS = 1203; // not a multiple of 4: the last byte of every row is partly padding

async function insertAnimal(customerId: string, sex: "male" | "female", parents: { sire?: string; dam?: string } = {}) {
  const a = { id: randomUUID(), officialId: newOfficialId() };
  await world.owner.query(
    `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, sire_id, dam_id, updated_at)
     VALUES ($1, $2, $3, 'HO', $4, '2022-01-01', $5, $6, now())`,
    [a.id, customerId, a.officialId, sex, parents.sire ?? null, parents.dam ?? null],
  );
  return a;
}

async function uploadAndIngest(email: string, customerId: string, report: Uint8Array, onPanel: string) {
  const caller = (await callerFor(world, email)).caller;
  const fd = new FormData();
  fd.set("customerId", customerId);
  fd.set("file", new File([report], `report-${randomUUID().slice(0, 8)}.txt`));
  fd.set("panelId", onPanel);
  const { upload } = await caller.genotypes.upload(fd);
  const outcome = await genotypes.ingestUpload(world.deps.db, store, { uploadId: upload.id, customerId });
  expect(outcome.status).toBe("completed");
  return outcome;
}

/** The entries of a zip (central directory, stored or deflated): enough for what archiver writes. */
function unzip(zip: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(zip);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip (no end of central directory)");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory entry");
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLength);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    const content = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    expect(content.length, name).toBe(size);
    files.set(name, content);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

function post(body: unknown, headers: Record<string, string>) {
  return fetch(`${url}/api/v1/genotypes/export`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, ...headers },
    body: JSON.stringify(body),
  });
}
const as = (role: keyof typeof cookies) => ({ cookie: cookies[role]! });

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: string };
  return { status: response.status, error: body.error };
}

/** Unzips an export into a fresh folder; answers the folder and the files by extension. */
async function unpack(response: Response, label: string) {
  expect(
    response.status,
    await response
      .clone()
      .text()
      .catch(() => ""),
  ).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/zip");
  const files = unzip(new Uint8Array(await response.arrayBuffer()));
  const dir = path.join(dataDir, `${label}-${randomUUID().slice(0, 8)}`);
  await mkdir(dir);
  const byExt: Record<string, Buffer> = {};
  let base = "";
  for (const [name, content] of files) {
    expect(name).not.toContain("/");
    await writeFile(path.join(dir, name), content);
    byExt[path.extname(name).slice(1)] = content;
    base = name.slice(0, -path.extname(name).length);
  }
  return { dir, base: path.join(dir, base), files: byExt, disposition: response.headers.get("content-disposition") };
}

/**
 * PLINK 1.9 recodes the files to B-allele counts per sample (--recode A with B as the counted
 * allele); answers IID → counts (MISSING for NA) in the .raw's SNP order, and that order.
 */
async function plinkCounts(input: string[], base: string): Promise<{ counts: Map<string, number[]>; snps: string[] }> {
  const alleles = `${base}.count-allele.txt`;
  await writeFile(alleles, panel.markers.map((m) => `${m.name} B\n`).join(""));
  await run("plink1.9", [...input, "--cow", "--recode", "A", "--recode-allele", alleles, "--out", `${base}.out`]);
  const lines = (await readFile(`${base}.out.raw`, "utf8")).trim().split("\n");
  const header = lines[0]!.split(/\s+/);
  const snps = header.slice(6).map((h) => h.replace(/_B$/, ""));
  const counts = new Map<string, number[]>();
  for (const line of lines.slice(1)) {
    const f = line.split(/\s+/);
    counts.set(
      f[1]!,
      f.slice(6).map((x) => (x === "NA" ? MISSING : Number(x))),
    );
  }
  return { counts, snps };
}

function expectCallsEqual(got: Map<string, number[]>, snps: string[], officialIds: string[]) {
  expect([...got.keys()]).toEqual(officialIds);
  const index = new Map(panel.markers.map((m, j) => [m.name, j]));
  expect(snps.length).toBe(SNPS);
  for (const id of officialIds) {
    const want = expected.get(id)!;
    const have = got.get(id)!;
    const mismatches = snps.filter((s, k) => have[k] !== want[index.get(s)!]).length;
    expect(mismatches, `calls of ${id} that differ from the uploaded file`).toBe(0);
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotype-export-"));
  const prefix = `test:genotype-export-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = (await server.app.listen({ host: "127.0.0.1", port: 0 })).replace(/\/$/, "");
  store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  farmName = (await world.owner.query(`SELECT name FROM customers WHERE id = $1`, [world.customerA])).rows[0].name;

  const pop = simulatePopulation({ seed: 61, nAnimals: N, nSnps: SNPS, nGenerations: 3, idPrefix: "EXP" });
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "Export chip");
  panel = parseMap(formatMap(pop.panel));
  // The herd as recorded: simulation order puts parents before their offspring.
  const uuidOf = new Map<string, string>();
  for (const a of pop.animals) {
    const sire = a.sire ? uuidOf.get(a.sire) : undefined;
    const dam = a.dam ? uuidOf.get(a.dam) : undefined;
    const row = await insertAnimal(world.customerA, a.sex === 1 ? "male" : "female", { sire, dam });
    uuidOf.set(a.id, row.id);
    const officialOf = (id: string | undefined) => herd.find((h) => h.id === id)?.officialId ?? null;
    herd.push({ ...row, sex: a.sex, sire: officialOf(sire), dam: officialOf(dam) });
  }
  const report = concatBytes([
    ...writeFinalReport(
      pop.panel,
      herd.map((h) => h.officialId),
      pop.genotypes,
    ),
  ]);
  const parsed = await readFinalReport(report, { panel });
  parsed.sampleIds.forEach((id, i) => {
    const row = sampleRow(parsed.genotypes, i);
    expected.set(
      id,
      Int8Array.from({ length: SNPS }, (_, j) => countAt(row, j)),
    );
  });
  expect((await uploadAndIngest(world.usersA.technician.email, world.customerA, report, panelId)).storedCount).toBe(N);

  noGenotype = await insertAnimal(world.customerA, "female");
  // One farm A animal genotyped on another panel only, and one farm B animal on the export panel.
  const small = simulatePopulation({ seed: 62, nAnimals: 2, nSnps: 40, idPrefix: "OTH" });
  otherPanelId = await registerMapPanel(tech, formatMap(small.panel), "Other chip");
  onOtherPanel = await insertAnimal(world.customerA, "male");
  await uploadAndIngest(
    world.usersA.technician.email,
    world.customerA,
    concatBytes([...writeFinalReport(small.panel, [onOtherPanel.officialId, "NOBODY"], small.genotypes)]),
    otherPanelId,
  );
  farmBAnimal = await insertAnimal(world.customerB, "female");
  await uploadAndIngest(
    world.usersB.technician.email,
    world.customerB,
    concatBytes([
      ...writeFinalReport(pop.panel, [farmBAnimal.officialId], {
        nSamples: 1,
        nSnps: SNPS,
        data: sampleRow(pop.genotypes, 0),
      }),
    ]),
    panelId,
  );

  for (const [key, email] of [
    ["userA", world.usersA.customer_user.email],
    ["vetA", world.usersA.veterinarian.email],
    ["vetB", world.usersB.veterinarian.email],
    ["admin", world.usersA.admin.email],
  ] as const)
    cookies[key] = await sessionCookieFor(world, email);
  const customerAdmin = (await callerFor(world, world.usersA.customer_admin.email)).caller;
  token = (
    await customerAdmin.apiTokens.create({
      customerId: world.customerA,
      name: "export",
      permissions: ["genotypes.read"],
    })
  ).token;
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("PLINK genotype export", () => {
  it("exports .bed/.bim/.fam that PLINK reads back to exactly the uploaded calls, with the pedigree in the .fam", async () => {
    const ids = herd.map((h) => h.id);
    const { base, files, disposition } = await unpack(await post({ animalIds: ids }, as("userA")), "bed");
    expect(disposition).toMatch(
      /^attachment; filename="genotypes-Export_chip_[0-9a-f]{8}-1-bed-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect(Object.keys(files).sort()).toEqual(["bed", "bim", "fam"]);
    expect(files.bed!.length).toBe(3 + SNPS * Math.ceil(N / 4));

    const fam = files
      .fam!.toString("utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    const fid = farmName.replace(/\s+/g, "_");
    expect(fam).toEqual(herd.map((h) => [fid, h.officialId, h.sire ?? "0", h.dam ?? "0", String(h.sex), "-9"]));
    expect(herd.some((h) => h.sire && h.dam)).toBe(true);

    const { counts, snps } = await plinkCounts(["--bfile", base], base);
    expectCallsEqual(
      counts,
      snps,
      herd.map((h) => h.officialId),
    );
    // PLINK 2 reads the fileset too.
    await run("plink2", ["--bfile", base, "--cow", "--freq", "--out", `${base}.plink2`]);
    expect((await readFile(`${base}.plink2.afreq`, "utf8")).trim().split("\n").length).toBe(SNPS + 1);

    const audit = await world.owner.query(
      `SELECT customer_id::text AS customer, user_id::text AS "user", target_id::text AS target, detail FROM audit_log
       WHERE action = 'genotypes.export.download' AND result = 'ok' AND user_id = $1`,
      [world.usersA.customer_user.id],
    );
    expect(audit.rows).toEqual([
      {
        customer: world.customerA,
        user: world.usersA.customer_user.id,
        target: panelId,
        detail: expect.stringMatching(new RegExp(`^PLINK bed export of ${N} of ${N} animals on panel Export chip`)),
      },
    ]);
  });

  it("exports .ped/.map (GET with an API token) that PLINK reads back to the uploaded calls, in the selection's order", async () => {
    const chosen = [herd[5]!, herd[0]!, herd[9]!];
    const query = new URLSearchParams({ animalIds: chosen.map((h) => h.id).join(","), format: "ped" });
    const response = await fetch(`${url}/api/v1/genotypes/export?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { base, files } = await unpack(response, "ped");
    expect(Object.keys(files).sort()).toEqual(["map", "ped"]);
    expect(files.map!.toString("utf8")).toBe(formatMap(panel));
    const { counts, snps } = await plinkCounts(["--file", base], base);
    expectCallsEqual(
      counts,
      snps,
      chosen.map((h) => h.officialId),
    );
  });

  it("streams to a file through the SDK, and through the CLI", async () => {
    const destination = path.join(dataDir, "sdk-export.zip");
    const result = await exportGenotypes({
      url,
      token,
      destination,
      animalIds: herd.slice(0, 4).map((h) => h.id),
      format: "bed",
    });
    expect(result.fileName).toMatch(/^genotypes-Export_chip_.*-bed-.*\.zip$/);
    const zip = await readFile(destination);
    expect(zip.length).toBe(result.bytes);
    const fam = unzip(zip);
    expect([...fam.keys()].map((n) => path.extname(n)).sort()).toEqual([".bed", ".bim", ".fam"]);

    await expect(
      exportGenotypes({ url, token, destination: `${destination}.x`, animalIds: [randomUUID()] }),
    ).rejects.toThrow(GenotypeExportError);

    const cli = path.join(repoRoot, "packages/sdk/dist/cli.js");
    const idsFile = path.join(dataDir, "ids.txt");
    await writeFile(
      idsFile,
      herd
        .slice(0, 3)
        .map((h) => h.id)
        .join("\n") + "\n",
    );
    const out = path.join(dataDir, "cli-export.zip");
    const { stderr } = await run(
      process.execPath,
      [cli, "genotypes", "export", "--animals", `@${idsFile}`, "--format", "ped", "--out", out, "--url", url],
      { env: { ...process.env, REPROTECH_TOKEN: token } },
    );
    expect(stderr).toMatch(/Exported genotypes-Export_chip_.*-ped-.*\.zip to /);
    const ped = [...unzip(await readFile(out)).entries()].find(([n]) => n.endsWith(".ped"))![1];
    expect(ped.toString("utf8").trim().split("\n").length).toBe(3);
  });

  it("refuses an empty selection, too many ids, unknown animals and animals without a genotype, naming them", async () => {
    expect(await errorOf(await post({ animalIds: [] }, as("userA")))).toEqual({
      status: 400,
      error: "animalIds: Select at least one animal",
    });
    const tooMany = Array.from({ length: genotypes.GENOTYPE_EXPORT_MAX_ANIMALS + 1 }, () => randomUUID());
    expect(await errorOf(await post({ animalIds: tooMany }, as("userA")))).toEqual({
      status: 400,
      error: "animalIds: At most 20,000 animals per export",
    });
    expect((await errorOf(await post({ animalIds: ["nope"] }, as("userA")))).status).toBe(400);
    expect((await errorOf(await post({ animalIds: [herd[0]!.id], format: "vcf" }, as("userA")))).status).toBe(400);

    const unknown = randomUUID();
    expect(await errorOf(await post({ animalIds: [herd[0]!.id, unknown] }, as("userA")))).toEqual({
      status: 404,
      error: `Animals not found: ${unknown}`,
    });
    const missing = await errorOf(await post({ animalIds: [herd[0]!.id, noGenotype.id] }, as("userA")));
    expect(missing).toEqual({
      status: 400,
      error: expect.stringMatching(
        new RegExp(`^No current genotype on panel Export chip .* for: ${noGenotype.officialId}$`),
      ),
    });

    // skipMissing leaves both out and exports the rest.
    const { files } = await unpack(
      await post({ animalIds: [unknown, herd[1]!.id, noGenotype.id, herd[2]!.id], skipMissing: true }, as("userA")),
      "skip",
    );
    expect(
      files
        .fam!.toString("utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[1]),
    ).toEqual([herd[1]!.officialId, herd[2]!.officialId]);
    expect(await errorOf(await post({ animalIds: [noGenotype.id], skipMissing: true }, as("userA")))).toEqual({
      status: 400,
      error: "None of the selected animals has a current genotype",
    });
  });

  it("refuses a selection that spans panels unless panelId chooses one", async () => {
    const mixed = await errorOf(await post({ animalIds: [herd[0]!.id, onOtherPanel.id] }, as("userA")));
    expect(mixed.status).toBe(400);
    expect(mixed.error).toMatch(/^The selected animals are genotyped on 2 panels \(.*; choose one with panelId$/);
    expect(mixed.error).toContain(`(${panelId}): 1 animals`);
    expect(mixed.error).toContain(`(${otherPanelId}): 1 animals`);

    // herd[0] has no genotype on the panel chosen: refused, unless skipMissing leaves it out.
    expect(
      await errorOf(await post({ animalIds: [herd[0]!.id, onOtherPanel.id], panelId: otherPanelId }, as("userA"))),
    ).toEqual({ status: 400, error: expect.stringMatching(new RegExp(`for: ${herd[0]!.officialId}$`)) });
    const chosen = await unpack(
      await post({ animalIds: [herd[0]!.id, onOtherPanel.id], panelId: otherPanelId, skipMissing: true }, as("userA")),
      "chosen",
    );
    expect(chosen.files.fam!.toString("utf8").trim().split(" ")[1]).toBe(onOtherPanel.officialId);
    expect(chosen.files.bim!.toString("utf8").trim().split("\n").length).toBe(40);
  });

  it("answers unauthenticated calls 401 and needs the download route", async () => {
    expect((await errorOf(await post({ animalIds: [herd[0]!.id] }, {}))).status).toBe(401);
    const caller = (await callerFor(world, world.usersA.customer_user.email)).caller;
    await expect(caller.genotypes.export.download({ animalIds: [herd[0]!.id] })).rejects.toThrow(
      /Download exports from \/api\/v1\/genotypes\/export/,
    );
  });

  it("answers another farm's animal exactly like an unknown id, and another farm's customerId as not found", async () => {
    const foreign = await errorOf(await post({ animalIds: [farmBAnimal.id] }, as("userA")));
    expect(foreign).toEqual({ status: 404, error: `Animals not found: ${farmBAnimal.id}` });
    expect(JSON.stringify(foreign)).not.toContain(farmBAnimal.officialId);
    // Even with skipMissing nothing of farm B comes out.
    expect(await errorOf(await post({ animalIds: [farmBAnimal.id], skipMissing: true, panelId }, as("userA")))).toEqual(
      { status: 400, error: expect.stringMatching(/^None of the selected animals has a current genotype/) },
    );
    expect(await errorOf(await post({ animalIds: [herd[0]!.id], customerId: world.customerB }, as("userA")))).toEqual({
      status: 404,
      error: "Customer not found",
    });
    // An API token reaches its one farm only.
    const viaToken = await fetch(`${url}/api/v1/genotypes/export?animalIds=${farmBAnimal.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await errorOf(viaToken)).toEqual({ status: 404, error: `Animals not found: ${farmBAnimal.id}` });
  });

  it("holds staff to their scope: assigned vets see their farms only, admins every farm (one audit record per farm)", async () => {
    expect(await errorOf(await post({ animalIds: [herd[0]!.id] }, as("vetB")))).toEqual({
      status: 404,
      error: `Animals not found: ${herd[0]!.id}`,
    });
    const vet = await unpack(await post({ animalIds: [herd[0]!.id] }, as("vetA")), "vet");
    expect(vet.files.fam!.toString("utf8").split(" ")[1]).toBe(herd[0]!.officialId);

    const both = await unpack(await post({ animalIds: [herd[3]!.id, farmBAnimal.id] }, as("admin")), "admin");
    const fids = both.files
      .fam!.toString("utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" ").slice(0, 2));
    const farmB = (await world.owner.query(`SELECT name FROM customers WHERE id = $1`, [world.customerB])).rows[0].name;
    expect(fids).toEqual([
      [farmName.replace(/\s+/g, "_"), herd[3]!.officialId],
      [String(farmB).replace(/\s+/g, "_"), farmBAnimal.officialId],
    ]);
    const { counts, snps } = await plinkCounts(["--bfile", both.base], both.base);
    expectCallsEqual(new Map([[herd[3]!.officialId, counts.get(herd[3]!.officialId)!]]), snps, [herd[3]!.officialId]);
    const audit = await world.owner.query(
      `SELECT customer_id::text AS customer FROM audit_log
       WHERE action = 'genotypes.export.download' AND result = 'ok' AND user_id = $1 ORDER BY customer_id`,
      [world.usersA.admin.id],
    );
    expect(audit.rows.map((r) => r.customer).sort()).toEqual([world.customerA, world.customerB].sort());
  });
});

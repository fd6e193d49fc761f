// The genomic report: GET /api/v1/gbv/reports/:animalId (session cookie) and the SDK's
// downloadGenomicReport (API token) give a PDF that parses and names the animal, its pedigree, every
// trait, the parentage verdicts, the index and the genomic inbreeding computed here independently;
// unchanged inputs serve the same stored bytes, a new prediction changes the inputs hash and the PDF
// is regenerated (stored under processed-results/genetic-reports/…); audited; another farm's animal
// is 404 for customer users and researchers (must-show 4).
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gbv, invalidateConsenting } from "@reprotech/domain";
import { COUNT_OF_CODE } from "@reprotech/genomics";
import { downloadGenomicReport, GbvDownloadError } from "@reprotech/sdk";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, sessionCookieFor, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { rescore, scoredHerd, startScoring, type ScoredHerd, type SeededAnimal } from "./predictions-support";

let world: World;
let fx: ScoredHerd;
let dataDir: string;
let app: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let cow: SeededAnimal;
let cowB: SeededAnimal;
let cookieA: string;
const parents: Record<"sire" | "dam" | "sireSire" | "sireDam", { id: string; officialId: string }> = {} as never;

async function pdfText(bytes: Buffer): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text;
}

async function get(animalId: string, headers: Record<string, string>, query = "") {
  const res = await fetch(`${url}/api/v1/gbv/reports/${animalId}${query}`, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-gbv-report-"));
  const env = { DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:gbv-report-${randomUUID().slice(0, 8)}:` };
  world = await createWorld(env);
  await startScoring(world);
  fx = await scoredHerd(world, {
    customers: [world.customerA, world.customerB],
    counts: [12, 5],
    nSnps: 400,
    seed: 41,
  });
  cow = fx.animals.find((a) => a.customerId === world.customerA)!;
  cowB = fx.animals.find((a) => a.customerId === world.customerB)!;
  // Pedigree: sire (with his own sire and dam) and dam, herd animals of farm A.
  const insert = async (
    key: keyof typeof parents,
    sex: "male" | "female",
    born: string,
    sire?: string,
    dam?: string,
  ) => {
    const a = { id: randomUUID(), officialId: newOfficialId() };
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, name, breed, sex, birth_date, sire_id, dam_id, updated_at)
       VALUES ($1, $2, $3, $4, 'HO', $5, $6, $7, $8, now())`,
      [a.id, world.customerA, a.officialId, `${key} name`, sex, born, sire ?? null, dam ?? null],
    );
    parents[key] = a;
  };
  await insert("sireSire", "male", "2008-03-01");
  await insert("sireDam", "female", "2009-03-01");
  await insert("sire", "male", "2012-03-01", parents.sireSire.id, parents.sireDam.id);
  await insert("dam", "female", "2013-03-01");
  await world.owner.query(`UPDATE animals SET sire_id = $2, dam_id = $3 WHERE id = $1`, [
    cow.id,
    parents.sire.id,
    parents.dam.id,
  ]);
  await world.owner.query(
    `INSERT INTO genotype_sample_results (id, customer_id, upload_id, sample_id, animal_id, outcome, call_rate, heterozygosity, sire_status, dam_status)
     SELECT gen_random_uuid(), g.customer_id, g.upload_id, $2, g.animal_id, 'stored', 1, 0.3, 'verified', 'excluded'
       FROM genotypes g WHERE g.animal_id = $1`,
    [cow.id, cow.officialId],
  );
  app = await startTestApp(env);
  url = await app.app.listen({ host: "127.0.0.1", port: 0 });
  cookieA = await sessionCookieFor(world, world.usersA.customer_user.email);
}, 180_000);
afterAll(async () => {
  await app?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

/**
 * F = 1 − observed het / Σ 2p(1−p) over called SNPs with 0 < p < 1, from the stored genotype and the
 * allele frequencies of the model that scored the animal's first trait (milk production).
 */
async function expectedInbreeding(animalId: string): Promise<number> {
  const { rows } = await world.owner.query<{ packed: Buffer }>(
    `SELECT packed FROM genotypes WHERE animal_id = $1 AND is_current`,
    [animalId],
  );
  const { rows: model } = await world.owner.query<{ freqs: Buffer }>(
    `SELECT m.allele_freqs AS freqs FROM gbv_predictions p JOIN gbv_models m ON m.id = p.model_id
       JOIN gbv_traits t ON t.id = p.trait_id WHERE p.animal_id = $1 AND p.is_current AND t.code = 'milk_production'`,
    [animalId],
  );
  const freqs = gbv.decodeFloat64(new Uint8Array(model[0]!.freqs));
  let het = 0;
  let expected = 0;
  freqs.forEach((p, j) => {
    const count = COUNT_OF_CODE[(rows[0]!.packed[j >> 2]! >> ((j & 3) * 2)) & 3]!;
    if (count < 0 || !(p > 0 && p < 1)) return;
    if (count === 1) het++;
    expected += 2 * p * (1 - p);
  });
  return 1 - het / expected;
}

const reportRows = async (animalId: string) =>
  (
    await world.owner.query(
      `SELECT inputs_hash AS "inputsHash", blob_key AS "blobKey", byte_size AS "byteSize", sha256 FROM gbv_reports
        WHERE animal_id = $1 ORDER BY created_at`,
      [animalId],
    )
  ).rows as { inputsHash: string; blobKey: string; byteSize: number; sha256: string }[];

describe("genomic report", () => {
  let first: Buffer;

  it("is a PDF naming the animal, its pedigree, every trait, parentage, index and genomic inbreeding", async () => {
    const res = await get(cow.id, { cookie: cookieA });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="genomic-report-.+\.pdf"$/);
    first = res.body;
    expect(first.subarray(0, 5).toString()).toBe("%PDF-");
    expect(res.headers.get("x-content-sha256")).toBe(createHash("sha256").update(first).digest("hex"));
    const text = await pdfText(first);
    for (const s of [
      cow.officialId,
      cow.name,
      parents.sire.officialId,
      parents.dam.officialId,
      parents.sireSire.officialId,
      parents.sireDam.officialId,
      "Milk production",
      "Fertility",
      "Disease resistance",
      "Longevity",
      "Balanced dairy index",
      "verified",
      "EXCLUDED",
      "Genotype quality",
      "pass",
    ])
      expect(text).toContain(s);
    expect(text).toContain((await expectedInbreeding(cow.id)).toFixed(4));

    const [row] = await reportRows(cow.id);
    expect(row!.blobKey).toBe(
      `processed-results/genetic-reports/customer-${world.customerA}/${cow.id}/${row!.inputsHash}`,
    );
    expect(row).toMatchObject({ byteSize: first.length, sha256: createHash("sha256").update(first).digest("hex") });
    expect((await stat(path.join(dataDir, "blobs", ...row!.blobKey.split("/")))).size).toBe(first.length);
  });

  it("serves the same stored bytes while the inputs are unchanged (SDK, API token, saved to a file)", async () => {
    const admin = (await callerFor(world, world.usersA.customer_admin.email)).caller;
    const { token } = await admin.apiTokens.create({
      customerId: world.customerA,
      name: "reports",
      permissions: ["gbv.read"],
    });
    const file = path.join(dataDir, "report.pdf");
    const saved = await downloadGenomicReport({ url, token, animalId: cow.id, path: file });
    expect(saved).toMatchObject({ path: file, bytes: first.length });
    expect((await readFile(file)).equals(first)).toBe(true);
    expect(await reportRows(cow.id)).toHaveLength(1);
    const { rows } = await world.owner.query(
      `SELECT detail FROM audit_log WHERE action = 'gbv.reports.download' AND target_id = $1 ORDER BY created_at`,
      [cow.id],
    );
    expect(rows.map((r) => (r.detail as string).split(" (")[1])).toEqual(["generated)", "stored)"]);
  });

  it("is regenerated when a newly published model changes its predictions (and so its inputs)", async () => {
    const version = await rescore(world, fx, "fertility", 4141);
    expect(version).toBe(2);
    const { rows: fert } = await world.owner.query<{ value: number }>(
      `SELECT p.value FROM gbv_predictions p JOIN gbv_traits t ON t.id = p.trait_id
        WHERE p.animal_id = $1 AND p.is_current AND t.code = 'fertility'`,
      [cow.id],
    );
    const res = await get(cow.id, { cookie: cookieA });
    expect(res.status).toBe(200);
    expect(res.body.equals(first)).toBe(false);
    const rows = await reportRows(cow.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.inputsHash).not.toBe(rows[0]!.inputsHash);
    const text = await pdfText(res.body);
    expect(text).toContain(fert[0]!.value.toFixed(2));
    expect(text).toContain("v2");
    // And stored again: the next download is the same bytes.
    expect((await get(cow.id, { cookie: cookieA })).body.equals(res.body)).toBe(true);
  });

  it("is 404 for another farm's animal (customer users, researchers, SDK), 401 anonymous, 400 for a bad id", async () => {
    const cookieB = await sessionCookieFor(world, world.usersB.customer_user.email);
    expect((await get(cow.id, { cookie: cookieB })).status).toBe(404);
    expect((await get(cow.id, { cookie: cookieB }, `?customerId=${world.customerA}`)).status).toBe(404);
    expect((await get(cowB.id, { cookie: cookieA })).status).toBe(404);
    const researcher = await sessionCookieFor(world, world.usersA.researcher.email);
    expect((await get(cow.id, { cookie: researcher })).status).toBe(404);
    expect((await get(cow.id, {})).status).toBe(401);
    expect((await get("not-a-uuid", { cookie: cookieA })).status).toBe(400);
    const userB = (await callerFor(world, world.usersB.customer_user.email)).caller;
    await expect(userB.gbv.reports.download({ animalId: cow.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const adminB = (await callerFor(world, world.usersB.customer_admin.email)).caller;
    const { token } = await adminB.apiTokens.create({
      customerId: world.customerB,
      name: "b",
      permissions: ["gbv.read"],
    });
    const error = await downloadGenomicReport({
      url,
      token,
      animalId: cow.id,
      path: path.join(dataDir, "x.pdf"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GbvDownloadError);
    expect((error as GbvDownloadError).status).toBe(404);
    await expect(stat(path.join(dataDir, "x.pdf"))).rejects.toThrow();
    // B's own animal works for B, and shows no A animal.
    const own = await get(cowB.id, { cookie: cookieB });
    expect(own.status).toBe(200);
    const text = await pdfText(own.body);
    expect(text).toContain(cowB.officialId);
    expect(text).not.toContain(cow.officialId);
    expect(await reportRows(cowB.id)).toHaveLength(1);
  });

  it("serves a researcher a consenting farm's report without storing anything (read-only)", async () => {
    await world.owner.query(`UPDATE customers SET research_consent = true WHERE id = $1`, [world.customerA]);
    await invalidateConsenting(world.deps.runtime.cache);
    try {
      // A new model version: inputs nobody has a stored report for yet.
      await rescore(world, fx, "longevity", 5252);
      const before = await reportRows(cow.id);
      const researcher = await sessionCookieFor(world, world.usersA.researcher.email);
      const res = await get(cow.id, { cookie: researcher });
      expect(res.status).toBe(200);
      expect(await pdfText(res.body)).toContain(cow.officialId);
      expect(await reportRows(cow.id)).toEqual(before);
      // The farm's own user then gets it generated and stored.
      const own = await get(cow.id, { cookie: cookieA });
      expect(own.status).toBe(200);
      expect(await reportRows(cow.id)).toHaveLength(before.length + 1);
    } finally {
      await world.owner.query(`UPDATE customers SET research_consent = false WHERE id = $1`, [world.customerA]);
      await invalidateConsenting(world.deps.runtime.cache);
    }
  });
});

// The genotype-ingest job, run in-process on a real upload: samples matched by official ID or herd
// tag, QC by call rate, packed genotypes stored once per animal (re-runs rewrite the same rows), the
// newest upload's genotype current, per-sample results, and a file the reader rejects → failed.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypes } from "@reprotech/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let tech: Api;
let panelId: string;
let store: genotypes.BlobStore;
const animals: { id: string; officialId: string; herdTag: string }[] = [];

const SNPS = ["snp1", "snp2", "snp3", "snp4", "snp5", "snp6", "snp7", "snp8", "snp9", "snp10"];

/** calls: per sample, one "AB"-letter pair per SNP ("--" = no call). */
function finalReport(samples: Record<string, string[]>): string {
  const rows = Object.entries(samples).flatMap(([id, calls]) =>
    SNPS.map((snp, j) => `${snp},${id},${calls[j]![0]},${calls[j]![1]},0.9`),
  );
  return [
    "[Header]",
    "GSGT Version,2.0.4",
    "[Data]",
    "SNP Name,Sample ID,Allele1 - AB,Allele2 - AB,GC Score",
    ...rows,
    "",
  ].join("\n");
}
/** PLINK .bed 2-bit codes, SNP j at bits 2(j mod 4) of byte j/4: 0 B alleles 00, missing 01, one 10, two 11. */
function packed(calls: string[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(calls.length / 4));
  counts(calls).forEach((c, j) => (out[j >> 2]! |= (c === -1 ? 1 : c === 0 ? 0 : c + 1) << ((j & 3) * 2)));
  return out;
}
const counts = (calls: string[]) => calls.map((c) => (c === "--" ? -1 : [...c].filter((x) => x === "B").length));

async function upload(content: string) {
  const fd = new FormData();
  fd.set("customerId", world.customerA);
  fd.set("file", new File([content], "report.txt"));
  fd.set("panelId", panelId);
  return (await tech.genotypes.upload(fd)).upload;
}

const run = (uploadId: string) =>
  genotypes.ingestUpload(world.deps.db, store, { uploadId, customerId: world.customerA });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-ingest-"));
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:ingest-${randomUUID().slice(0, 8)}:` });
  store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(
    tech,
    SNPS.map((s, i) => `1 ${s} 0 ${(i + 1) * 1000}`).join("\n") + "\n",
    "Ingest chip",
  );
  for (let i = 0; i < 3; i++) {
    const a = { id: randomUUID(), officialId: newOfficialId(), herdTag: `T${randomUUID().slice(0, 8)}` };
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, herd_tag, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, $4, 'HO', 'female', '2022-01-01', now())`,
      [a.id, world.customerA, a.officialId, a.herdTag],
    );
    animals.push(a);
  }
});
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const good = ["AA", "AB", "BB", "AB", "AA", "BB", "AB", "AA", "AB", "BB"];
const good2 = ["AB", "AB", "BB", "AA", "AA", "BB", "AB", "AA", "AB", "AB"];
const poor = ["AA", "--", "--", "AB", "AA", "BB", "AB", "AA", "AB", "BB"]; // call rate 0.8

describe("genotype ingest", () => {
  it("matches, QCs and stores packed genotypes, records every sample, and completes the upload", async () => {
    const [a1, a2, a3] = animals as [(typeof animals)[0], (typeof animals)[0], (typeof animals)[0]];
    const up = await upload(
      finalReport({ [a1.officialId.toLowerCase()]: good, [a2.herdTag]: good2, [a3.officialId]: poor, NOBODY: good }),
    );
    expect(await run(up.id)).toEqual({ status: "completed", sampleCount: 4, matchedCount: 3, storedCount: 2 });
    const after = await tech.genotypes.uploads.get({ uploadId: up.id });
    expect(after).toMatchObject({
      status: "completed",
      sampleCount: 4,
      matchedCount: 3,
      storedCount: 2,
      errorMessage: null,
    });

    const { rows } = await world.owner.query(
      `SELECT animal_id, packed, call_rate, qc_status, is_current FROM genotypes WHERE upload_id = $1 ORDER BY animal_id`,
      [up.id],
    );
    const byAnimal = new Map(rows.map((r) => [r.animal_id as string, r]));
    expect(new Uint8Array(byAnimal.get(a1.id).packed)).toEqual(packed(good));
    expect(new Uint8Array(byAnimal.get(a2.id).packed)).toEqual(packed(good2));
    expect(byAnimal.get(a1.id)).toMatchObject({ call_rate: 1, qc_status: "pass", is_current: true });
    expect(byAnimal.has(a3.id)).toBe(false);

    const results = await world.owner.query(
      `SELECT sample_id, animal_id, outcome, call_rate FROM genotype_sample_results WHERE upload_id = $1 ORDER BY sample_id`,
      [up.id],
    );
    const outcome = Object.fromEntries(results.rows.map((r) => [r.sample_id, r]));
    expect(outcome[a1.officialId.toLowerCase()]).toMatchObject({ animal_id: a1.id, outcome: "stored" });
    expect(outcome[a2.herdTag]).toMatchObject({ animal_id: a2.id, outcome: "stored" });
    expect(outcome[a3.officialId]).toMatchObject({ animal_id: a3.id, outcome: "qc_failed", call_rate: 0.8 });
    expect(outcome.NOBODY).toMatchObject({ animal_id: null, outcome: "unmatched" });

    // Idempotent: a completed upload is skipped; a forced re-run rewrites the same rows.
    expect((await run(up.id)).status).toBe("skipped");
    await world.owner.query(`UPDATE genotype_uploads SET status = 'queued' WHERE id = $1`, [up.id]);
    expect(await run(up.id)).toEqual({ status: "completed", sampleCount: 4, matchedCount: 3, storedCount: 2 });
    const again = await world.owner.query(`SELECT count(*)::int AS n FROM genotypes WHERE upload_id = $1`, [up.id]);
    expect(again.rows[0].n).toBe(2);
    const samples = await world.owner.query(
      `SELECT count(*)::int AS n FROM genotype_sample_results WHERE upload_id = $1`,
      [up.id],
    );
    expect(samples.rows[0].n).toBe(4);

    // A later upload of the same animal becomes its current genotype on the panel.
    const later = await upload(finalReport({ [a1.officialId]: good2 }));
    expect((await run(later.id)).storedCount).toBe(1);
    const current = await world.owner.query(
      `SELECT upload_id, is_current FROM genotypes WHERE animal_id = $1 AND panel_id = $2 ORDER BY created_at`,
      [a1.id, panelId],
    );
    expect(current.rows.map((r) => [r.upload_id, r.is_current])).toEqual([
      [up.id, false],
      [later.id, true],
    ]);
  });

  it("marks an upload the reader rejects as failed, with the reader's message, storing nothing", async () => {
    const bad = await upload(
      ["[Header]", "GSGT Version,2.0.4", "[Data]", "SNP Name,Sample ID,GC Score", "snp1,X,0.9", ""].join("\n"),
    );
    const outcome = await run(bad.id);
    expect(outcome.status).toBe("failed");
    const after = await tech.genotypes.uploads.get({ uploadId: bad.id });
    expect(after.status).toBe("failed");
    expect(after.errorMessage).toMatch(/could not be read/);
    const { rows } = await world.owner.query(`SELECT count(*)::int AS n FROM genotypes WHERE upload_id = $1`, [bad.id]);
    expect(rows[0].n).toBe(0);
  });
});

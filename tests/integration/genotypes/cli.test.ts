// `reprotech genotypes upload` against the server in-process over real HTTP: the built CLI streams a
// simulated FinalReport with a transfer progress bar, follows the processing over SSE while the
// ingest runs (here called by the test, as a worker would), prints the per-sample summary and exits 0;
// a file the reader rejects ends with the failure and a non-zero exit code.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { genotypes } from "@reprotech/domain";
import { concatBytes, formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { repoRoot } from "../../support/server";
import { callerFor, createWorld, type World } from "../../support/identity";
import { newOfficialId } from "../animals/support";
import { registerMapPanel } from "./support";

const run = promisify(execFile);
const cli = path.join(repoRoot, "packages/sdk/dist/cli.js");

let world: World;
let dataDir: string;
let server: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
let panelId: string;
let token: string;
let store: genotypes.BlobStore;
const N = 20;
const officialIds: string[] = [];

/** Runs the ingest (as the worker would) once the CLI's upload of `fileName` is recorded. */
async function ingestWhenUploaded(fileName: string) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await world.owner.query(
      `SELECT id::text AS id FROM genotype_uploads WHERE customer_id = $1 AND original_file_name = $2`,
      [world.customerA, fileName],
    );
    const id = rows[0]?.id as string | undefined;
    if (id) {
      // Let the CLI subscribe first (it would also get the final state if it came later).
      await new Promise((resolve) => setTimeout(resolve, 200));
      return genotypes.ingestWithProgress(
        world.deps.db,
        store,
        { uploadId: id, customerId: world.customerA },
        world.deps.runtime,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the CLI never recorded ${fileName}`);
}

function reprotech(args: string[]) {
  return run(process.execPath, [cli, ...args, "--url", url], {
    env: { ...process.env, REPROTECH_TOKEN: token },
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotype-cli-"));
  const prefix = `test:genotype-cli-${randomUUID().slice(0, 8)}:`;
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  server = await startTestApp({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
  url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  store = genotypes.blobStoreFromConfig({ DATA_DIR: dataDir });
  const pop = simulatePopulation({ seed: 23, nAnimals: N, nSnps: 600, idPrefix: "CLI" });
  for (let i = 0; i < 5; i++) {
    const officialId = newOfficialId();
    await world.owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at) VALUES ($1, $2, $3, 'HO', 'female', '2022-01-01', now())`,
      [randomUUID(), world.customerA, officialId],
    );
    officialIds.push(officialId);
  }
  await writeFile(
    path.join(dataDir, "herd_FinalReport.txt"),
    concatBytes([
      ...writeFinalReport(
        pop.panel,
        pop.animals.map((a, i) => officialIds[i] ?? a.id),
        pop.genotypes,
      ),
    ]),
  );
  // No allele columns: accepted at the upload (its SNP is on the panel), failed by the ingest.
  await writeFile(
    path.join(dataDir, "broken_FinalReport.txt"),
    [
      "[Header]",
      "GSGT Version,2.0.4",
      "[Data]",
      "SNP Name,Sample ID,GC Score",
      `${pop.panel.markers[0]!.name},X,0.9`,
      "",
    ].join("\n"),
  );
  const tech = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(tech, formatMap(pop.panel), "CLI chip");
  const admin = (await callerFor(world, world.usersA.admin.email)).caller;
  token = (
    await admin.apiTokens.create({
      customerId: world.customerA,
      name: "lab machine",
      permissions: ["genotypes.read", "genotypes.upload"],
    })
  ).token;
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("reprotech genotypes upload", () => {
  it("streams the file, follows processing and prints the per-sample summary (exit 0)", async () => {
    const file = path.join(dataDir, "herd_FinalReport.txt");
    const [result, outcome] = await Promise.all([
      reprotech(["genotypes", "upload", file, "--customer", world.customerA, "--panel", panelId]),
      ingestWhenUploaded("herd_FinalReport.txt"),
    ]);
    expect(outcome.status).toBe("completed");
    expect((result as { code?: number }).code ?? 0, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Uploading .*100% /);
    expect(result.stderr).toMatch(/Uploaded herd_FinalReport\.txt as [0-9a-f-]{36} \(final_report/);
    expect(result.stderr).toMatch(/Processing .*completed 20\/20 samples/);
    for (const id of officialIds)
      expect(result.stdout).toMatch(new RegExp(`^${id}\\s+\\w+\\s+[0-9.]+\\s+[0-9a-f-]{36}$`, "m"));
    expect(result.stdout).toMatch(/^CLI\S*\s+unmatched\s/m);
    expect(result.stdout).toMatch(/Completed: 20 samples, 5 matched, \d+ stored/);
  });

  it("ends with the failure and a non-zero exit code when processing fails", async () => {
    const file = path.join(dataDir, "broken_FinalReport.txt");
    const [result, outcome] = await Promise.all([
      reprotech(["genotypes", "upload", file, "--customer", world.customerA, "--panel", panelId]),
      ingestWhenUploaded("broken_FinalReport.txt"),
    ]);
    expect(outcome.status).toBe("failed");
    expect((result as { code?: number }).code).toBe(1);
    expect(result.stderr).toMatch(/reprotech: processing failed: The file could not be read/);
  });

  it("refuses a customer outside the token's reach before streaming (exit 1)", async () => {
    const file = path.join(dataDir, "herd_FinalReport.txt");
    const result = await reprotech(["genotypes", "upload", file, "--customer", world.customerB, "--panel", panelId]);
    expect((result as { code?: number }).code).toBe(1);
    expect(result.stderr).toMatch(/reprotech: Customer not found/);
  });
});

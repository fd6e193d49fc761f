// The genotype pipeline in the browser, as a lab technician uses it: upload a generated FinalReport for
// a farm (one sample matches no animal), watch the transfer bar and the live processing bar (SSE) reach
// the end, assign the unmatched sample to an animal from the result table, export two selected animals as
// PLINK files (read back with unzip), then open that animal's Genomics tab and see its genotype. A customer user of another farm cannot see the upload.
// The built server and the built worker (the ingest job) run against the run's database and Redis,
// sharing one blob directory.
// Build first: pnpm --filter @reprotech/server build && pnpm --filter @reprotech/worker build && pnpm --filter @reprotech/web build
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { DemoCredential } from "@reprotech/db";
import { concatBytes, formatMap, simulatePopulation, writeFinalReport } from "@reprotech/genomics";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startServer, startWorker, type RunningServer } from "../support/server";
import { assertBuilt, fillSignIn, launchChromium, newContext, seedDemoUsers, type DemoRole } from "./browser";

const SHOTS = "/tmp/reprotech-genotypes";
const exec = promisify(execFile);
/** Samples in the file: MATCHED animals of the farm by official ID, then one ID no animal has. */
const MATCHED = 4;
const SNPS = 20_000;
const run = randomUUID().slice(0, 6);
const UNMATCHED_SAMPLE = `LAB-${run}-X`;

let dataDir: string;
let server: RunningServer;
let worker: RunningServer;
let browser: Browser;
let demo: Record<DemoRole, DemoCredential>;
/** The farm the file is for: reached by the demo technician, not the demo customer users' farm. */
let farm: { id: string; name: string };
/** Official IDs of the animals the samples match, and the animal the unmatched sample belongs to. */
const matchedIds: string[] = [];
let assignee: { id: string; officialId: string };
let report: Uint8Array;
let panelMap: string;

beforeAll(async () => {
  assertBuilt();
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-e2e-genotypes-"));
  const env = {
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_KEY_PREFIX: inject("redisPrefix"),
    DATA_DIR: dataDir,
  };
  demo = await seedDemoUsers();
  [server, worker, browser] = await Promise.all([startServer(env), startWorker(env), launchChromium()]);

  // The farm and the animals, written as the owner; everything the technician does goes through the browser.
  const db = new pg.Client({ connectionString: inject("ownerUrl") });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; name: string }>(
      `SELECT c.id, c.name FROM customers c
         JOIN customer_assignments a ON a.customer_id = c.id JOIN users t ON t.id = a.user_id AND t.email = $1
        WHERE c.id <> (SELECT customer_id FROM users WHERE email = $2)
        ORDER BY c.name LIMIT 1`,
      [demo.technician.email, demo.customer_user.email],
    );
    farm = rows[0]!;
    for (let i = 0; i <= MATCHED; i++) {
      const id = randomUUID();
      const officialId = `HO840${run.replace(/\D/g, "7").padEnd(6, "7")}${String(i).padStart(6, "0")}`;
      await db.query(
        `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
         VALUES ($1, $2, $3, 'HO', 'female', '2022-03-01', now())`,
        [id, farm.id, officialId],
      );
      if (i < MATCHED) matchedIds.push(officialId);
      else assignee = { id, officialId };
    }
  } finally {
    await db.end();
  }
  const pop = simulatePopulation({ seed: 61, nAnimals: MATCHED + 1, nSnps: SNPS, idPrefix: "E2E" });
  report = concatBytes([...writeFinalReport(pop.panel, [...matchedIds, UNMATCHED_SAMPLE], pop.genotypes)]);
  panelMap = formatMap(pop.panel);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  const code = await server?.stop();
  if (code !== undefined && code !== 0 && code !== null)
    console.error(`server exited with ${code}:\n${server.output()}`);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function signedIn(role: DemoRole, start: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}${start}`);
  await page.waitForURL(/\/sign-in/);
  await fillSignIn(page, demo[role].email, demo[role].password);
  await page.getByTestId("user-menu").waitFor();
  return { context, page };
}

/** Registers the simulated chip as lab staff do (genotypes.panels.register, multipart through tRPC). */
async function registerPanel(context: BrowserContext, name: string): Promise<void> {
  const res = await context.request.post(`${server.url}/trpc/genotypes.panels.register`, {
    headers: { origin: server.url },
    multipart: {
      name,
      version: "1",
      file: { name: "chip.map", mimeType: "text/plain", buffer: Buffer.from(panelMap) },
    },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * Every value the two bars' data attributes took while the page ran, recorded in the page by a
 * MutationObserver (a string: the tests compile without the DOM library).
 */
const RECORD_BARS = `
  const seen = (globalThis.__bars = {});
  const note = (el) => {
    const id = el.getAttribute && el.getAttribute("data-testid");
    if (id !== "transfer-progress" && id !== "processing-progress") return;
    const value = (el.getAttribute("data-phase") ?? el.getAttribute("data-state")) + ":" + el.getAttribute("data-value");
    const list = (seen[id] ??= []);
    if (list.at(-1) !== value) list.push(value);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") note(r.target);
      for (const n of r.addedNodes)
        if (n.nodeType === 1) [n, ...n.querySelectorAll("[data-testid$='-progress']")].forEach(note);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-value", "data-phase", "data-state"] });
`;

let uploadId: string;

describe("genotypes in the browser", () => {
  it("technician: upload with both bars to the end, assign the unmatched sample, export a selection, see the genotype on the animal", async () => {
    const { context, page } = await signedIn("technician", "/genomics");
    const panelName = `E2E chip ${run}`;
    await registerPanel(context, panelName);
    await page.addInitScript({ content: RECORD_BARS });
    await page.reload();

    // 1. From the Genomics page to the upload form: farm, panel, file.
    await page.getByTestId("genotypes-page").waitFor();
    await page.getByTestId("open-genotype-upload").click();
    await page.getByTestId("genotype-upload-page").waitFor();
    await page.getByTestId("upload-farm").click();
    await page.getByRole("option", { name: farm.name, exact: true }).click();
    await page.getByTestId("upload-panel").click();
    await page.getByRole("option", { name: new RegExp(`^${panelName} v1`) }).click();
    await page.getByTestId("genotype-file-input").setInputFiles({
      name: "plate_FinalReport.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(report),
    });
    await expect.poll(() => page.getByTestId("genotype-file-name").textContent()).toContain("plate_FinalReport.txt");
    await page.getByTestId("upload-submit").click();

    // 2. The transfer bar, then the processing bar, both to the end.
    await page.locator('[data-testid="transfer-progress"][data-state="done"]').waitFor();
    expect(await page.getByTestId("transfer-progress").getAttribute("data-value")).toBe("100");
    await page.locator('[data-testid="processing-progress"][data-phase="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("processing-progress").getAttribute("data-value")).toBe("100");
    await page.screenshot({ path: `${SHOTS}/1-uploaded.png`, fullPage: true });
    const bars = await page.evaluate(() => (globalThis as Record<string, unknown>).__bars as Record<string, string[]>);
    console.info(`bars seen: ${JSON.stringify(bars)}`);
    // Both bars were on screen, only ever moved forward, and ended complete.
    for (const [id, last] of [
      ["transfer-progress", "done:100"],
      ["processing-progress", "completed:100"],
    ] as const) {
      const values = bars[id] ?? [];
      expect(values.at(-1), `${id}: ${values.join(" → ")}`).toBe(last);
      const percents = values.map((v) => Number(v.split(":")[1]));
      expect(percents, `${id}: ${values.join(" → ")}`).toEqual([...percents].sort((a, b) => a - b));
    }

    // 3. The per-sample table: the matched samples stored, the unknown one waiting for an animal.
    await page.getByTestId("sample-results").waitFor();
    expect(await page.getByTestId("count-samples").getAttribute("data-value")).toBe(String(MATCHED + 1));
    expect(await page.getByTestId("count-matched").getAttribute("data-value")).toBe(String(MATCHED));
    const rows = page.getByTestId("sample-row");
    expect(await rows.count()).toBe(MATCHED + 1);
    for (const officialId of matchedIds)
      expect(
        await page.locator(`[data-testid="sample-row"][data-sample="${officialId}"]`).getAttribute("data-outcome"),
      ).toBe("stored");
    const unmatched = page.locator(`[data-testid="sample-row"][data-sample="${UNMATCHED_SAMPLE}"]`);
    expect(await unmatched.getAttribute("data-outcome")).toBe("unmatched");
    await page.getByTestId("unmatched-alert").waitFor();

    // 4. Assign it: search the farm's animals by official ID, pick, assign.
    await unmatched.getByTestId("sample-animal-picker").fill(assignee.officialId);
    await page.getByRole("option", { name: new RegExp(`^${assignee.officialId}`) }).click();
    await unmatched.getByTestId("assign-sample").click();
    await expect.poll(() => unmatched.getAttribute("data-outcome"), { timeout: 20_000 }).toBe("stored");
    await expect.poll(() => page.getByTestId("count-stored").getAttribute("data-value")).toBe(String(MATCHED + 1));
    const callRate = (await unmatched.getByTestId("sample-call-rate").textContent())!;
    expect(callRate).toMatch(/^\d+\.\d\d %$/);
    await page.screenshot({ path: `${SHOTS}/2-assigned.png`, fullPage: true });
    uploadId = new URL(`${server.url}${await page.getByTestId("open-upload").getAttribute("href")}`).pathname
      .split("/")
      .at(-1)!;

    // 5. Export two selected animals (the assigned one among them) as PLINK binary files.
    await unmatched.getByTestId("select-sample").check();
    await page
      .locator(`[data-testid="sample-row"][data-sample="${matchedIds[0]}"]`)
      .getByTestId("select-sample")
      .check();
    expect(await page.getByTestId("export-selection").getAttribute("data-value")).toBe("2");
    await page.getByTestId("genotype-export").click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("genotype-export-bed").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const zipPath = path.join(dataDir, "export.zip");
    await download.saveAs(zipPath);
    const listing = (await exec("unzip", ["-Z1", zipPath])).stdout.trim().split("\n").sort();
    expect(listing.map((f) => path.extname(f))).toEqual([".bed", ".bim", ".fam"]);
    const fam = (await exec("unzip", ["-p", zipPath, listing.find((f) => f.endsWith(".fam"))!])).stdout;
    const famIds = fam
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/)[1]);
    expect(famIds.sort()).toEqual([assignee.officialId, matchedIds[0]!].sort());
    expect(await page.getByTestId("genotype-export-error").count()).toBe(0);

    // 6. The animal's Genomics tab shows the genotype with the same call rate.
    await unmatched.getByRole("link", { name: assignee.officialId }).click();
    await page.waitForURL((url) => url.pathname === `/animals/${assignee.id}`);
    await page.getByTestId("tab-genomics").click();
    await page.getByTestId("genotypes-current").waitFor();
    expect(await page.getByTestId("genotype-row").count()).toBe(1);
    expect(await page.getByTestId("genotype-call-rate").textContent()).toBe(callRate);
    expect(await page.getByTestId("genotypes-current").textContent()).toContain(panelName);
    await page.screenshot({ path: `${SHOTS}/3-animal-genomics.png`, fullPage: true });

    // 7. The upload is in the history, completed, with its counts (the assignment counted).
    await page.goto(`${server.url}/genomics`);
    const row = page.locator(`[data-testid="upload-row"][data-upload="${uploadId}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("completed");
    await context.close();
  });

  it("an animal never genotyped shows the empty Genomics tab", async () => {
    const { context, page } = await signedIn("technician", "/animals");
    const { rows } = await (async () => {
      const db = new pg.Client({ connectionString: inject("ownerUrl") });
      await db.connect();
      try {
        return await db.query<{ id: string }>(
          `SELECT a.id FROM animals a WHERE a.customer_id = $1
             AND NOT EXISTS (SELECT 1 FROM genotypes g WHERE g.animal_id = a.id) LIMIT 1`,
          [farm.id],
        );
      } finally {
        await db.end();
      }
    })();
    await page.goto(`${server.url}/animals/${rows[0]!.id}`);
    await page.getByTestId("tab-genomics").click();
    await page.getByTestId("genomics-empty").waitFor();
    expect(await page.getByTestId("genotype-row").count()).toBe(0);
    await context.close();
  });

  it("a customer user of another farm: the upload is not found, not listed, not exportable, and the upload page is not offered", async () => {
    expect(uploadId).toBeDefined();
    const { context, page } = await signedIn("customer_user", `/genomics/uploads/${uploadId}`);
    await page.getByTestId("not-found-state").waitFor();
    expect(await page.getByTestId("processing-progress").count()).toBe(0);
    expect(await page.getByTestId("sample-row").count()).toBe(0);

    await page.goto(`${server.url}/genomics`);
    await page.getByTestId("genotypes-page").waitFor();
    await page.locator('[data-testid="upload-history"], [data-testid="uploads-empty"]').first().waitFor();
    expect(await page.locator(`[data-testid="upload-row"][data-upload="${uploadId}"]`).count()).toBe(0);
    expect(await page.getByTestId("open-genotype-upload").count()).toBe(0);

    await page.goto(`${server.url}/genomics/upload`);
    await page.getByTestId("forbidden-state").waitFor();

    // Nor can the session export that farm's genotypes.
    const res = await context.request.post(`${server.url}/api/v1/genotypes/export`, {
      headers: { origin: server.url },
      data: { animalIds: [assignee.id] },
    });
    expect(res.ok()).toBe(false);
    expect(res.headers()["content-type"]).toMatch(/json/);
    await page.screenshot({ path: `${SHOTS}/4-other-farm.png`, fullPage: true });
    await context.close();
  });
});

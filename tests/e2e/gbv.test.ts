// Genomic evaluations in the browser (issue 7, must-show 5). A researcher signs in, drops a phenotype
// file on the models page, starts training, watches the live progress reach the end, reads the
// cross-validation (correlation shown, predicted-vs-observed scatter drawn) and publishes the model;
// the publication's scoring job scores the farm's genotyped animals. Then a customer user of that farm
// opens an animal's GBV panel (value, reliability, model version) and downloads its genomic report from
// the panel's button: a PDF that parses and names the animal. The customer user also ranks, exports
// and charts the farm's GBVs, and does not get the model management.
// The built server and the built worker (gbv-train and gbv-score jobs) run against the run's database
// and Redis, sharing one blob directory. The herd (animals + packed genotypes from the genomics
// library's simulator) is written as the owner — the genotype pipeline has its own e2e test.
// Build first: pnpm --filter @reprotech/server build && pnpm --filter @reprotech/worker build && pnpm --filter @reprotech/web build
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DemoCredential } from "@reprotech/db";
import { formatBim, simulatePopulation } from "@reprotech/genomics";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { insertGenotypedAnimals, phenotypeCsv } from "../integration/gbv/training-support";
import { startServer, startWorker, type RunningServer } from "../support/server";
import {
  assertBuilt,
  fillSignIn,
  launchChromium,
  newContext,
  seedDemoUsers,
  signInByApi,
  type DemoRole,
} from "./browser";

const SHOTS = "/tmp/reprotech-gbv";
/** Reference animals (all phenotyped and genotyped) and SNPs: small enough for a quick SNP-BLUP. */
const N = 120;
const SNPS = 2000;
const FOLDS = 3;
const ANIMAL_NAME = `Gbv E2E ${randomUUID().slice(0, 4)}`;

let dataDir: string;
let server: RunningServer;
let worker: RunningServer;
let browser: Browser;
let owner: pg.Pool;
let demo: Record<DemoRole, DemoCredential>;
/** The demo customer user's farm: given research consent, its animals are the reference population. */
let farmId: string;
let panelName: string;
let animal: { id: string; officialId: string };
let phenotypeFile: string;
let modelId: string;

const pop = simulatePopulation({ seed: 77, nAnimals: N, nSnps: SNPS, idPrefix: "GBVE2E" });

beforeAll(async () => {
  assertBuilt();
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-e2e-gbv-"));
  const env = {
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_KEY_PREFIX: inject("redisPrefix"),
    DATA_DIR: dataDir,
  };
  demo = await seedDemoUsers();
  [server, worker, browser] = await Promise.all([startServer(env), startWorker(env), launchChromium()]);
  owner = new pg.Pool({ connectionString: inject("ownerUrl"), max: 2 });
  const { rows } = await owner.query<{ id: string }>(`SELECT customer_id::text AS id FROM users WHERE email = $1`, [
    demo.customer_user.email,
  ]);
  farmId = rows[0]!.id;

  // Set up as staff do it, through the API: the chip registered from its .bim by an admin (the
  // panel's SNP names and alleles), the farm's research consent switched on (which also refreshes
  // the server's cached list of consenting farms).
  const admin = await newContext(browser);
  await signInByApi(admin, server.url, demo.admin);
  panelName = `GBV e2e chip ${randomUUID().slice(0, 6)}`;
  const registered = await admin.request.post(`${server.url}/trpc/genotypes.panels.register`, {
    headers: { origin: server.url },
    multipart: {
      name: panelName,
      version: "1",
      file: { name: "chip.bim", mimeType: "text/plain", buffer: Buffer.from(formatBim(pop.panel)) },
    },
  });
  expect(registered.status(), await registered.text()).toBe(200);
  const panelId = ((await registered.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
  const consent = await admin.request.post(`${server.url}/trpc/customers.update`, {
    headers: { origin: server.url, "content-type": "application/json" },
    data: { json: { customerId: farmId, researchConsent: true } },
  });
  expect(consent.status(), await consent.text()).toBe(200);
  await admin.close();

  const herd = await insertGenotypedAnimals(owner, farmId, panelId, pop.genotypes);
  animal = { id: herd.ids[0]!, officialId: herd.officialIds[0]! };
  await owner.query(`UPDATE animals SET name = $2 WHERE id = $1`, [animal.id, ANIMAL_NAME]);
  phenotypeFile = path.join(dataDir, "milk-phenotypes.csv");
  await writeFile(
    phenotypeFile,
    phenotypeCsv(
      ["official_id", "trait", "value"],
      herd.officialIds.map((id, i) => [id, "milk_production", pop.phenotypes[0]![i]!.toFixed(4)]),
    ),
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  const code = await server?.stop();
  // The server's log beside the screenshots, for reading a failed run.
  if (server) await writeFile(`${SHOTS}-server.log`, server.output());
  if (code !== undefined && code !== 0 && code !== null)
    console.error(`server exited with ${code}:\n${server.output()}`);
  await owner?.end();
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

describe("genomic evaluations in the browser", () => {
  it("a researcher uploads phenotypes, trains, reads the cross-validation and publishes", async () => {
    const { context, page } = await signedIn("researcher", "/gbv/models");
    try {
      await page.getByTestId("gbv-models-page").waitFor();
      await page.getByTestId("phenotype-file-input").setInputFiles(phenotypeFile);
      const set = page.getByTestId("phenotype-set");
      await set.waitFor();
      expect(await set.textContent()).toContain(`${N} records`);

      await page.getByTestId("train-panel").click();
      await page.getByRole("option", { name: `${panelName} v1`, exact: true }).click();
      await page.getByTestId("train-folds").fill(String(FOLDS));
      await page.getByTestId("train-start").click();
      await page.waitForURL(/\/gbv\/models\/[0-9a-f-]{36}$/);
      modelId = page.url().split("/").at(-1)!;

      // The live bar (SSE) reaches the end, then the page shows the CV report of the stored model.
      const progress = page.getByTestId("training-progress");
      await progress.waitFor();
      await expect
        .poll(() => progress.getAttribute("data-phase"), { timeout: 120_000, interval: 250 })
        .toBe("completed");
      expect(await progress.getAttribute("data-value")).toBe("100");
      const results = page.getByTestId("cv-results");
      await results.waitFor({ timeout: 30_000 });
      const correlation = Number(await page.getByTestId("cv-correlation").textContent());
      expect(Number.isFinite(correlation)).toBe(true);
      // The simulated phenotypes carry genetic signal: the prediction must correlate positively.
      expect(correlation).toBeGreaterThan(0);
      const { rows } = await owner.query<{ cv: { correlation: number } }>(
        `SELECT cross_validation AS cv FROM gbv_models WHERE id = $1`,
        [modelId],
      );
      expect(correlation).toBeCloseTo(rows[0]!.cv.correlation, 3);
      const scatter = page.getByTestId("cv-scatter");
      expect(await scatter.getAttribute("data-points")).toBe(String(N));
      await expect.poll(() => scatter.locator(".recharts-scatter-symbol").count()).toBe(N);
      expect(await page.getByTestId("cv-folds").locator("tbody tr").count()).toBe(FOLDS);
      await page.screenshot({ path: `${SHOTS}-cv.png`, fullPage: true });

      await page.getByTestId("model-publish").click();
      await page.getByTestId("confirm-button").click();
      await expect.poll(() => page.getByTestId("model-status").textContent()).toBe("Published");
    } finally {
      await context.close();
    }
    // The publication's scoring job stores a current prediction for every animal of the herd.
    await expect
      .poll(
        async () =>
          (
            await owner.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM gbv_predictions WHERE model_id = $1 AND is_current AND customer_id = $2`,
              [modelId, farmId],
            )
          ).rows[0]!.n,
        { timeout: 60_000, interval: 250 },
      )
      .toBe(N);
  }, 240_000);

  it("the farm's customer user sees the animal's GBVs on its page", async () => {
    expect(modelId, "the researcher's test must have published a model").toBeDefined();
    const { context, page } = await signedIn("customer_user", `/animals/${animal.id}`);
    try {
      await page.getByTestId("animal-page").waitFor();
      await page.getByTestId("tab-genomics").click();
      const trait = page.locator('[data-testid="gbv-trait"][data-trait="milk_production"]');
      await trait.getByTestId("gbv-value").waitFor({ timeout: 30_000 });
      const { rows } = await owner.query<{ value: number; reliability: number }>(
        `SELECT value, reliability FROM gbv_predictions WHERE model_id = $1 AND animal_id = $2 AND is_current`,
        [modelId, animal.id],
      );
      expect(Number(await trait.getByTestId("gbv-value").getAttribute("data-value"))).toBeCloseTo(rows[0]!.value, 9);
      const reliability = trait.getByTestId("gbv-reliability");
      expect(await reliability.getAttribute("data-value")).toBe(String(Math.round(rows[0]!.reliability * 100)));
      expect(await reliability.textContent()).toMatch(/Reliability\s*\d+ %/);
      expect(await trait.getByTestId("gbv-model-version").textContent()).toMatch(/^model v\d+$/);
      await page.screenshot({ path: `${SHOTS}-panel.png`, fullPage: true });
      // The button is a plain link to the REST report route (the browser sends the session cookie).
      expect(await page.getByTestId("gbv-report-download").getAttribute("href")).toBe(
        `/api/v1/gbv/reports/${animal.id}?customerId=${farmId}`,
      );
    } finally {
      await context.close();
    }
  }, 120_000);

  it("the customer user downloads the animal's genomic report from the panel: a PDF that parses and names it", async () => {
    expect(modelId, "the researcher's test must have published a model").toBeDefined();
    const { context, page } = await signedIn("customer_user", `/animals/${animal.id}`);
    try {
      await page.getByTestId("tab-genomics").click();
      await page.getByTestId("gbv-report-download").waitFor({ timeout: 30_000 });
      // The same request the button makes, with the page's session cookie: a PDF, not an error.
      const direct = await context.request.get(`${server.url}/api/v1/gbv/reports/${animal.id}`);
      expect(direct.status(), await direct.text()).toBe(200);
      expect(direct.headers()["content-type"]).toBe("application/pdf");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("gbv-report-download").click(),
      ]);
      const pdfPath = path.join(dataDir, "report.pdf");
      await download.saveAs(pdfPath);
      const bytes = await readFile(pdfPath);
      expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
      expect(text).toContain(animal.officialId);
      expect(text).toContain(ANIMAL_NAME);
      expect(text).toContain("Milk production");
    } finally {
      await context.close();
    }
  }, 120_000);

  it("a customer user ranks, exports and charts the farm's GBVs, and gets no model management", async () => {
    const { context, page } = await signedIn("customer_user", "/gbv");
    try {
      await page.getByTestId("gbv-rankings-page").waitFor();
      await page.getByTestId("gbv-section-rankings").waitFor();
      expect(await page.getByTestId("gbv-section-models").count()).toBe(0);
      // Their farm's milk ranking lists the scored animals (N of them, all of the farm).
      await page.getByTestId("ranking-by").click();
      await page.getByRole("option", { name: "Milk production (kg milk)", exact: true }).click();
      await expect.poll(() => page.getByTestId("ranking-row").count(), { timeout: 30_000 }).toBe(50);
      expect(await page.getByTestId("ranking-table").textContent()).toContain("Milk production");
      // The export button downloads the same ranking as CSV (REST export route, session cookie).
      const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("ranking-export").click()]);
      const csvPath = path.join(dataDir, "ranking.csv");
      await csv.saveAs(csvPath);
      const lines = (await readFile(csvPath, "utf8")).trim().split(/\r?\n/);
      expect(lines[0]).toMatch(/^rank,officialId,/);
      expect(lines).toHaveLength(1 + 50);
      await page.screenshot({ path: `${SHOTS}-ranking.png`, fullPage: true });

      // Distribution: the farm's milk GBVs, one breed (HO) with every scored animal.
      await page.getByTestId("gbv-section-distribution").click();
      await page.getByTestId("distribution-trait").click();
      await page.getByRole("option", { name: "Milk production (kg milk)", exact: true }).click();
      const breedRow = page.locator('[data-testid="distribution-breed"][data-breed="HO"]');
      await breedRow.waitFor({ timeout: 30_000 });
      expect(await breedRow.getAttribute("data-n")).toBe(String(N));
      await page.getByTestId("distribution-histogram").locator(".recharts-bar-rectangle").first().waitFor();
      await page.screenshot({ path: `${SHOTS}-distribution.png`, fullPage: true });

      await page.goto(`${server.url}/gbv/models`);
      await page.getByTestId("forbidden-state").waitFor();
      expect(await page.getByTestId("gbv-models-page").count()).toBe(0);
      expect(await page.getByTestId("train-card").count()).toBe(0);
      // And the server refuses the procedures whatever the page shows.
      const res = await context.request.post(`${server.url}/trpc/gbv.models.publish`, {
        headers: { origin: server.url, "content-type": "application/json" },
        data: { json: { modelId } },
      });
      expect(res.status()).toBe(403);
    } finally {
      await context.close();
    }
  }, 60_000);
});

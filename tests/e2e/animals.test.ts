// The animals module in the browser, as a farm's customer admin uses it: import a 500-row XLSX
// through the wizard (the dry run lists exactly the 3 bad rows, nothing is written; the corrected file
// commits), then find an animal by tag prefix in the list (filters in the URL), open it and see its
// pedigree drawn — sire and dam, and their parents.
// Build first: pnpm --filter @reprotech/server build && pnpm --filter @reprotech/web build
import type { DemoCredential } from "@reprotech/db";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningServer } from "../support/server";
import { BAD_INDICES, herdRows, herdXlsx, officialIdOf, ROWS, sheetRow, tagOf } from "./animals-herd";
import {
  assertBuilt,
  fillSignIn,
  launchChromium,
  newContext,
  seedDemoUsers,
  startBuiltServer,
  type DemoRole,
} from "./browser";

const SHOTS = "/tmp/reprotech-animals";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** The animal looked up at the end: a third-generation heifer by a herd sire out of a herd dam. */
const TARGET = 422;

let server: RunningServer;
let browser: Browser;
let demo: Record<DemoRole, DemoCredential>;
let farm: { id: string; maxAnimals: number; active: number };
let aiBullNaab: string;

beforeAll(async () => {
  assertBuilt();
  [demo, server, browser] = await Promise.all([seedDemoUsers(), startBuiltServer(), launchChromium()]);
  // Facts the test needs from the seeded data (read as the owner; the browser does everything else).
  const db = new pg.Client({ connectionString: inject("ownerUrl") });
  await db.connect();
  try {
    const [f] = (
      await db.query<{ id: string; max_animals: number; active: string }>(
        `SELECT c.id, c.max_animals, (SELECT count(*) FROM animals a WHERE a.customer_id = c.id AND a.status = 'active') AS active
           FROM users u JOIN customers c ON c.id = u.customer_id WHERE u.email = $1`,
        [demo.customer_admin.email],
      )
    ).rows;
    farm = { id: f!.id, maxAnimals: f!.max_animals, active: Number(f!.active) };
    aiBullNaab = (await db.query<{ naab_code: string }>(`SELECT naab_code FROM bulls ORDER BY naab_code LIMIT 1`))
      .rows[0]!.naab_code;
  } finally {
    await db.end();
  }
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  if (code !== undefined && code !== 0 && code !== null)
    console.error(`server exited with ${code}:\n${server.output()}`);
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

/** The sheet rows the report's error table lists (file-level problems have no row). */
async function reportedRows(page: Page): Promise<number[]> {
  const rows = await page
    .getByTestId("import-errors-row")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-row")));
  return [...new Set(rows.map(Number))].sort((a, b) => a - b);
}

describe("animals: import, list, pedigree", () => {
  it("the generated herd fits the farm's quota (else the commit would rightly refuse it)", () => {
    const active = herdRows(aiBullNaab, false).filter((r) => r.cells[6] === "active").length;
    expect(farm.active + active, `farm has ${farm.active} active of ${farm.maxAnimals}`).toBeLessThanOrEqual(
      farm.maxAnimals,
    );
  });

  it("customer admin: 3 bad rows reported by the dry run, the corrected file committed, an animal found and its pedigree drawn", async () => {
    const { context, page } = await signedIn("customer_admin", "/animals");
    await page.getByTestId("animals-page").waitFor();
    await page.getByTestId("open-import").click();
    await page.getByTestId("import-dropzone").waitFor();

    // 1. Upload the file with errors; the columns are recognised automatically.
    await page.getByTestId("import-file-input").setInputFiles({
      name: "herd-with-errors.xlsx",
      mimeType: XLSX,
      buffer: await herdXlsx(aiBullNaab, true),
    });
    await page.locator('[data-testid="import-stepper"][data-step="columns"]').waitFor();
    expect(await page.getByTestId("mapping-row").count()).toBe(12);
    expect(await page.getByTestId("mapping-missing").count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/1-mapping.png`, fullPage: true });

    // 2. The dry run lists exactly the three bad rows, and nothing can be committed.
    await page.getByTestId("import-check").click();
    await page.getByTestId("import-report").waitFor();
    expect(await reportedRows(page)).toEqual(BAD_INDICES.map(sheetRow));
    expect(await page.getByTestId("count-error-rows").getAttribute("data-value")).toBe("3");
    expect(await page.getByTestId("count-rows").getAttribute("data-value")).toBe(String(ROWS));
    const reasons = await page.getByTestId("import-errors-row").allTextContents();
    expect(reasons.join("\n")).toMatch(/Official ID/);
    expect(reasons.join("\n")).toMatch(/breed code "ZZ"/i);
    expect(reasons.join("\n")).toMatch(/future/);
    expect(await page.getByTestId("import-commit").isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/2-dry-run-errors.png`, fullPage: true });

    // 3. The corrected file (same columns) checks clean and commits.
    await page.getByTestId("import-file-input").setInputFiles({
      name: "herd.xlsx",
      mimeType: XLSX,
      buffer: await herdXlsx(aiBullNaab, false),
    });
    await page.getByTestId("import-ready").waitFor();
    expect(await page.getByTestId("import-errors-row").count()).toBe(0);
    expect(await page.getByTestId("count-created").getAttribute("data-value")).toBe(String(ROWS));
    await page.getByTestId("import-commit").click();
    await page.getByTestId("import-result").waitFor();
    expect(await page.getByTestId("count-created").getAttribute("data-value")).toBe(String(ROWS));
    await page.screenshot({ path: `${SHOTS}/3-committed.png`, fullPage: true });

    // 4. Find the target by a prefix of its tag: the filter goes to the URL and survives a reload.
    await page.getByTestId("import-view-animals").click();
    await page.getByTestId("animals-table").waitFor();
    const prefix = tagOf(TARGET).slice(0, -1); // "Q5-42": tags Q5-420 … Q5-429
    await page.getByTestId("animal-search").fill(prefix);
    await page.waitForURL((url) => url.searchParams.get("q") === prefix);
    await expect.poll(() => page.getByTestId("animal-row").count()).toBe(10);
    expect(await page.getByTestId("animals-total").textContent()).toBe("10 animals");
    await page.reload();
    await page.getByTestId("animals-table").waitFor();
    expect(await page.getByTestId("animal-search").inputValue()).toBe(prefix);
    await expect.poll(() => page.getByTestId("animal-row").count()).toBe(10);
    await page.screenshot({ path: `${SHOTS}/4-list-search.png`, fullPage: true });

    // 5. Open it: the pedigree tree is drawn with its sire and dam (and their parents).
    await page
      .getByTestId("animal-link")
      .filter({ hasText: officialIdOf(TARGET) })
      .click();
    await page.getByTestId("pedigree-tree").waitFor();
    expect(await page.getByTestId("animal-official-id").textContent()).toBe(officialIdOf(TARGET));
    const target = herdRows(aiBullNaab, false)[TARGET]!;
    const sire = page.locator('svg [data-testid="pedigree-node"][data-role="sire"][data-generation="1"]');
    const dam = page.locator('svg [data-testid="pedigree-node"][data-role="dam"][data-generation="1"]');
    expect(await sire.count()).toBe(1);
    expect(await dam.count()).toBe(1);
    expect(await sire.getAttribute("data-kind")).toBe("animal");
    expect(await sire.getAttribute("aria-label")).toContain(target.sire);
    expect(await dam.getAttribute("aria-label")).toContain(target.dam);
    // Grandparents: the founders behind the herd sire and the dam.
    expect(
      await page.locator('svg [data-testid="pedigree-node"][data-generation="2"]:not([data-kind="unknown"])').count(),
    ).toBe(4);
    await page.screenshot({ path: `${SHOTS}/5-animal-pedigree.png`, fullPage: true });

    // 6. A box is a link: the sire's page draws the sire's own pedigree.
    await sire.click();
    await page.waitForURL((url) => url.pathname.startsWith("/animals/") && !url.pathname.endsWith("/import"));
    await expect.poll(() => page.getByTestId("animal-official-id").textContent()).toBe(target.sire);
    await context.close();
  });

  it("a bull-sired calf shows the AI bull, marked, in its tree", async () => {
    const { context, page } = await signedIn("customer_admin", `/animals?q=${tagOf(420)}`);
    await page
      .getByTestId("animal-link")
      .filter({ hasText: officialIdOf(420) })
      .click();
    await page.getByTestId("pedigree-tree").waitFor();
    const sire = page.locator('svg [data-testid="pedigree-node"][data-role="sire"][data-generation="1"]');
    expect(await sire.getAttribute("data-kind")).toBe("bull");
    expect(await sire.getAttribute("aria-label")).toContain(aiBullNaab);
    expect(await sire.getByTestId("pedigree-bull-mark").count()).toBe(1);
    expect(await page.getByTestId("parent-sire").textContent()).toContain(aiBullNaab);
    await context.close();
  });

  it("staff across farms: a farm column and a farm picker; picking a farm narrows the list and the URL", async () => {
    const { context, page } = await signedIn("admin", "/animals");
    await page.getByTestId("animals-table").waitFor();
    expect(await page.getByRole("columnheader", { name: "Farm" }).count()).toBe(1);
    await page.getByTestId("farm-filter").click();
    await page.getByRole("option").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/6-staff-list.png`, fullPage: true });
    await page.getByRole("option").first().click();
    await page.waitForURL((url) => url.searchParams.has("customer"));
    await expect.poll(() => page.getByRole("columnheader", { name: "Farm" }).count()).toBe(0);
    await context.close();
  });
});

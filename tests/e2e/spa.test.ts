// The SPA end to end: the BUILT server (apps/server/dist) serving the BUILT SPA (apps/web/dist) against the
// run's real PostgreSQL and Redis, driven in Debian's Chromium.
// Build first: pnpm --filter @reprotech/server build && pnpm --filter @reprotech/web build
// Signed in as the demo admin (the pages need a session since identity and tenancy; roles.test.ts
// covers signing in and what each role sees).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../support/server";
import { assertBuilt, launchChromium, newContext, seedDemoUsers, signInByApi, startBuiltServer } from "./browser";

const MODULES = ["Dashboard", "Animals", "Genomics", "Breeding", "Laboratory", "Analytics"] as const;
const ADMIN_ITEMS = ["Customers", "Users", "API tokens", "Audit log"] as const;
const SCREENSHOT = "/tmp/reprotech-status.png";

interface RestStatus {
  version: string;
  mode: { database: string; redis: string };
  database: { ok: boolean };
  redis: { ok: boolean };
}

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
/** Console errors, uncaught exceptions and failed same-origin requests (CSP violations show up here too). */
const problems: string[] = [];

async function openPage(pathname = "/"): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  const response = await page.goto(`${server.url}${pathname}`);
  expect(response?.status()).toBe(200);
  return page;
}

async function restStatus(): Promise<RestStatus> {
  const res = await fetch(`${server.url}/api/v1/status`);
  expect(res.status).toBe(200);
  return (await res.json()) as RestStatus;
}

beforeAll(async () => {
  assertBuilt();
  let demo: Awaited<ReturnType<typeof seedDemoUsers>>;
  [demo, server, browser] = await Promise.all([seedDemoUsers(), startBuiltServer(), launchChromium()]);
  context = await newContext(browser);
  await signInByApi(context, server.url, demo.admin);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  const code = await server?.stop();
  if (code !== undefined && code !== 0 && code !== null)
    console.error(`server exited with ${code}:\n${server.output()}`);
});

describe("SPA served by the built server", () => {
  it("loads at / with the product name, every module and the admin section in the navigation", async () => {
    const page = await openPage("/");
    await expect.poll(() => page.title()).toBe("Reprotech");
    await expect.poll(() => page.getByTestId("product-name").textContent()).toBe("Reprotech");

    const nav = page.getByRole("navigation", { name: "Main navigation" });
    for (const label of [
      ...MODULES,
      "Bull catalogue",
      "Genomic evaluations",
      ...ADMIN_ITEMS,
      "My account",
      "System status",
    ]) {
      await nav.getByRole("link", { name: label }).waitFor({ state: "visible" });
    }
    expect(await nav.getByRole("link").count()).toBe(MODULES.length + 2 + ADMIN_ITEMS.length + 2);

    // The dashboard card shows live status too.
    const card = page.getByTestId("dashboard-status-card");
    await expect.poll(() => card.textContent()).toContain(`Version ${(await restStatus()).version}`);
    await page.close();
  });

  it("navigates client-side to a module that is not built yet and shows what is coming", async () => {
    const page = await openPage("/");
    await page.evaluate(() => ((globalThis as Record<string, unknown>).__noReload = true));
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Breeding" }).click();
    await page.waitForURL(`${server.url}/breeding`);
    await page.getByRole("heading", { name: "Breeding", level: 2 }).waitFor();
    await page.getByText("Coming with the Breeding module").waitFor();
    // Active link is marked for assistive technology; no full page load happened.
    expect(await page.getByRole("link", { name: "Breeding" }).first().getAttribute("aria-current")).toBe("page");
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__noReload)).toBe(true);

    await page.getByRole("link", { name: "Back to the dashboard" }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByTestId("dashboard-page").waitFor();
    await page.close();
  });

  it("shows live server status from system.status on the status page", async () => {
    const page = await openPage("/");
    await expect.poll(() => page.getByTestId("dashboard-status-card").getByText("Version").count()).toBe(1);
    await page.screenshot({ path: "/tmp/reprotech-dashboard.png", fullPage: true });
    await page.getByTestId("dashboard-status-link").click();
    await page.waitForURL(`${server.url}/status`);

    const rest = await restStatus();
    expect(rest.database.ok).toBe(true);
    expect(rest.mode).toEqual({ database: "postgres", redis: "redis" });

    await expect.poll(() => page.getByTestId("status-version").textContent()).toBe(rest.version);
    expect(await page.getByTestId("status-database-badge").getAttribute("data-health")).toBe("ok");
    expect(await page.getByTestId("status-redis-badge").getAttribute("data-health")).toBe("ok");
    expect(await page.getByTestId("status-database-mode").locator("[data-mode]").getAttribute("data-mode")).toBe(
      "postgres",
    );
    expect(await page.getByTestId("status-redis-mode").locator("[data-mode]").getAttribute("data-mode")).toBe("redis");
    expect(await page.getByTestId("status-database-mode").textContent()).toBe("PostgreSQL");
    expect(await page.getByTestId("status-pending-migrations").textContent()).toBe("None");
    expect(await page.getByTestId("status-database-latency").textContent()).toMatch(/^\d+(\.\d)? ms$/);
    expect(await page.getByTestId("status-worker-heartbeat").textContent()).toBeTruthy();

    // Live: the page asks again within the 5 s interval, through the batched tRPC endpoint.
    const next = await page.waitForRequest((req) => req.url().includes("/trpc/system.status"), { timeout: 8_000 });
    expect(new URL(next.url()).searchParams.get("batch")).toBe("1");

    await page.getByTestId("status-worker").waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });

  it("renders deep links on a hard load (history fallback)", async () => {
    const page = await openPage("/status");
    await page.getByRole("heading", { name: "System status", level: 2 }).waitFor();
    await expect.poll(() => page.getByTestId("status-version").textContent()).toBe((await restStatus()).version);
    await page.goto(`${server.url}/laboratory`);
    await page.getByText("Coming with the Laboratory module").waitFor();
    // A phone-sized window: the navbar folds behind the burger.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Toggle navigation" }).click();
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Breeding" }).click();
    await page.getByText("Coming with the Breeding module").waitFor();
    await page.screenshot({ path: "/tmp/reprotech-mobile.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/no-such-page`);
    await page.getByTestId("not-found-page").waitFor();
    await page.close();
  });

  it("serves hashed assets as immutable and index.html as no-cache", async () => {
    const page = await context.newPage();
    const assets: string[] = [];
    page.on("response", (res) => {
      if (new URL(res.url()).pathname.startsWith("/assets/")) assets.push(res.url());
    });
    await page.goto(`${server.url}/`);
    await page.getByTestId("dashboard-page").waitFor();
    await page.close();

    const script = assets.find((u) => /\/assets\/[\w-]+-[\w-]{8}\.js$/.test(u));
    expect(script, `hashed script among ${assets.join(", ")}`).toBeDefined();
    const asset = await fetch(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(asset.headers.get("content-type")).toContain("javascript");

    const index = await fetch(`${server.url}/status`, { headers: { accept: "text/html" } });
    expect(index.headers.get("cache-control")).toBe("no-cache");
    // API paths never fall back to the SPA.
    expect((await fetch(`${server.url}/api/v1/nope`, { headers: { accept: "text/html" } })).status).toBe(404);
  });

  it("loaded without console errors, uncaught exceptions or CSP violations", () => {
    expect(problems).toEqual([]);
  });

  it("shows a visible error when the server cannot be reached, and recovers on retry", async () => {
    const page = await openPage("/status");
    await expect.poll(() => page.getByTestId("status-version").textContent()).toBeTruthy();

    await page.route("**/trpc/**", (route) => route.abort("connectionrefused"));
    const alert = page.getByTestId("status-error");
    await alert.waitFor({ state: "visible", timeout: 20_000 });
    expect(await alert.textContent()).toContain("Cannot reach the Reprotech server");
    // The last figures stay on screen, marked as such.
    expect(await page.getByTestId("status-version").isVisible()).toBe(true);
    expect(await page.getByTestId("header-status").textContent()).toContain("Server unreachable");
    await page.screenshot({ path: "/tmp/reprotech-error.png", fullPage: true });

    await page.unroute("**/trpc/**");
    await page.getByRole("button", { name: "Retry now" }).click();
    await alert.waitFor({ state: "detached", timeout: 10_000 });
    expect(await page.getByTestId("status-database-badge").getAttribute("data-health")).toBe("ok");
    await page.close();
  });
});

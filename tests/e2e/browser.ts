// Shared by the e2e files: the built server against the run's database, Debian's Chromium, the demo
// users (seeded into the run's database exactly as `pnpm db:seed` would), and signing in.
import { existsSync } from "node:fs";
import path from "node:path";
import { hashPassword } from "@reprotech/auth";
import { DEFAULT_SEED, demoCredentials, runSeed, type DemoCredential } from "@reprotech/db";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { chromiumPath } from "../support/env";
import { repoRoot, startServer, type RunningServer } from "../support/server";

export type DemoRole = DemoCredential["role"];

export function assertBuilt() {
  for (const built of ["apps/server/dist/main.js", "apps/web/dist/index.html"]) {
    if (!existsSync(path.join(repoRoot, built))) {
      throw new Error(
        `${built} is missing: run pnpm --filter @reprotech/server build && pnpm --filter @reprotech/web build`,
      );
    }
  }
}

/** Customers and one demo user per role (idempotent: the second call adds nothing). */
export async function seedDemoUsers(): Promise<Record<DemoRole, DemoCredential>> {
  await runSeed({ ownerUrl: inject("ownerUrl"), hashPassword, printCredentials: false });
  return Object.fromEntries(demoCredentials(DEFAULT_SEED).map((c) => [c.role, c])) as Record<DemoRole, DemoCredential>;
}

export function startBuiltServer(): Promise<RunningServer> {
  return startServer({
    DATABASE_URL: inject("appUrl"),
    DATABASE_OWNER_URL: inject("ownerUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_KEY_PREFIX: inject("redisPrefix"),
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
}

/** Signs the context in through the API (sets the session cookie), as the browser's form would. */
export async function signInByApi(context: BrowserContext, baseUrl: string, who: DemoCredential): Promise<void> {
  const res = await context.request.post(`${baseUrl}/trpc/auth.signIn`, {
    headers: { origin: baseUrl, "content-type": "application/json" },
    data: { json: { email: who.email, password: who.password } },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** Fills the sign-in form at /sign-in (the page must be showing it). */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId("sign-in-page").waitFor();
  await page.getByLabel("E-mail").fill(email);
  // (The label reads "Password *": required fields carry an asterisk.)
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

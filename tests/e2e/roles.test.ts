// Identity and tenancy in the browser: every demo role signs in and sees exactly the navigation its
// permissions allow; what the navigation hides is also refused by the SERVER (403 on the wire, shown
// as "Not allowed"); wrong passwords get the generic message; a lost session sends you to sign in.
// Build first: pnpm --filter @reprotech/server build && pnpm --filter @reprotech/web build
import { permissionsOf, type Permission } from "@reprotech/core";
import type { DemoCredential } from "@reprotech/db";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../support/server";
import {
  assertBuilt,
  fillSignIn,
  launchChromium,
  newContext,
  seedDemoUsers,
  startBuiltServer,
  type DemoRole,
} from "./browser";

const ADMIN_ITEMS = ["customers", "users", "api-tokens", "audit"] as const;
type AdminItem = (typeof ADMIN_ITEMS)[number];

/** The navigation each role must see — written out, not derived from the SPA's own code. */
const EXPECTED: Record<DemoRole, readonly AdminItem[]> = {
  super_admin: ["customers", "users", "api-tokens", "audit"],
  admin: ["customers", "users", "api-tokens", "audit"],
  veterinarian: ["api-tokens"],
  technician: [],
  researcher: [],
  customer_admin: ["users", "api-tokens", "audit"],
  customer_user: [],
};
const NEEDS: Record<AdminItem, Permission> = {
  customers: "customers.manage",
  users: "users.read",
  "api-tokens": "apiTokens.manage",
  audit: "audit.read",
};
const ROLE_LABEL: Record<DemoRole, string> = {
  super_admin: "Super admin",
  admin: "Admin",
  veterinarian: "Veterinarian",
  technician: "Technician",
  researcher: "Researcher",
  customer_admin: "Customer admin",
  customer_user: "Customer user",
};

let server: RunningServer;
let browser: Browser;
let demo: Record<DemoRole, DemoCredential>;

beforeAll(async () => {
  assertBuilt();
  [demo, server, browser] = await Promise.all([seedDemoUsers(), startBuiltServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  if (code !== undefined && code !== 0 && code !== null)
    console.error(`server exited with ${code}:\n${server.output()}`);
});

/** A fresh browser profile (no cookies) signed in as `role` through the form, on the dashboard. */
async function signedIn(role: DemoRole, start = "/"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}${start}`);
  await page.waitForURL(/\/sign-in/);
  await fillSignIn(page, demo[role].email, demo[role].password);
  await page.getByTestId("user-menu").waitFor();
  return { context, page };
}

/** The tRPC response that carried `procedure` (a batch of one, so its status is that call's). */
function trpcResponse(page: Page, procedure: string): Promise<Response> {
  return page.waitForResponse(
    (res) => new URL(res.url()).pathname.startsWith(`/trpc/`) && res.url().includes(procedure),
  );
}

describe("role-aware navigation", () => {
  it("the expected table agrees with the permission matrix", () => {
    for (const role of Object.keys(EXPECTED) as DemoRole[]) {
      const allowed = ADMIN_ITEMS.filter((item) => permissionsOf(role).includes(NEEDS[item]));
      expect(allowed, role).toEqual(EXPECTED[role]);
    }
  });

  for (const role of Object.keys(EXPECTED) as DemoRole[]) {
    it(`${role} sees exactly its navigation, then signs out`, async () => {
      const { context, page } = await signedIn(role);
      const nav = page.getByRole("navigation", { name: "Main navigation" });
      await nav.getByRole("link", { name: "Dashboard" }).waitFor();
      expect(await page.getByTestId("user-menu-role").textContent()).toBe(ROLE_LABEL[role]);

      const expected = EXPECTED[role];
      expect(await page.getByTestId("nav-admin-section").count()).toBe(expected.length > 0 ? 1 : 0);
      for (const item of ADMIN_ITEMS) {
        expect(await page.getByTestId(`nav-admin-${item}`).count(), `${role} / ${item}`).toBe(
          expected.includes(item) ? 1 : 0,
        );
      }
      // Nothing else slipped in: modules + Bull catalogue (every demo role reads animals) + Genomic
      // evaluations (every demo role reads GBVs) + admin items + My account + System status.
      expect(await nav.getByRole("link").count()).toBe(8 + expected.length + 2);
      if (role === "admin" || role === "customer_admin" || role === "customer_user") {
        await page.screenshot({ path: `/tmp/reprotech-nav-${role}.png` });
      }

      await page.getByTestId("user-menu").click();
      await page.getByTestId("sign-out").click();
      await page.waitForURL(/\/sign-in\?notice=signed-out/);
      await page.getByText("You have signed out.").waitFor();
      // The session is really gone: a signed-in page sends us back to sign in.
      await page.goto(`${server.url}/account`);
      await page.waitForURL(/\/sign-in\?redirect=%2Faccount/);
      await context.close();
    });
  }
});

describe("the server refuses what the navigation hides", () => {
  it("a customer user opening admin pages gets the server's 403, shown as Not allowed", async () => {
    const { context, page } = await signedIn("customer_user");
    for (const [url, procedure] of [
      ["/admin/users", "users.list"],
      ["/admin/audit", "audit.list"],
      ["/admin/api-tokens", "apiTokens.list"],
    ] as const) {
      const response = trpcResponse(page, procedure);
      await page.goto(`${server.url}${url}`);
      const res = await response;
      expect(res.status(), `${procedure} status`).toBe(403);
      // The batch carried that one call, and the server's error names it.
      const calls = new URL(res.url()).pathname.replace("/trpc/", "").split(",");
      const body = (await res.json()) as { error?: { json: { data: { httpStatus: number; path: string } } } }[];
      expect(body[calls.indexOf(procedure)]!.error?.json.data).toMatchObject({ httpStatus: 403, path: procedure });
      const state = page.getByTestId("forbidden-state");
      await state.waitFor();
      expect(await state.getAttribute("data-refusal")).toBe("forbidden");
      expect(await state.textContent()).toContain("Not allowed");
      if (procedure === "users.list") await page.screenshot({ path: "/tmp/reprotech-forbidden.png" });
    }

    // Customers: every role may read its own farm, so the server answers — with that one farm only,
    // and the page offers no way to change it.
    const response = trpcResponse(page, "customers.list");
    await page.goto(`${server.url}/admin/customers`);
    expect((await response).status()).toBe(200);
    await page.getByTestId("customers-table").waitFor();
    expect(await page.getByTestId("customer-row").count()).toBe(1);
    expect(await page.getByRole("button", { name: "New customer" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Suspend" }).count()).toBe(0);
    await context.close();
  });
});

describe("signing in", () => {
  it("a wrong password gets the generic message (401), nothing about which half was wrong", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-in`);
    const response = trpcResponse(page, "auth.signIn");
    await fillSignIn(page, demo.admin.email, `${demo.admin.password}-wrong`);
    expect((await response).status()).toBe(401);
    const alert = page.getByTestId("sign-in-error");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Incorrect e-mail or password");
    expect(page.url()).toBe(`${server.url}/sign-in`);
    await page.screenshot({ path: "/tmp/reprotech-sign-in-error.png" });

    // An unknown address reads the same.
    await fillSignIn(page, "nobody@demo.reprotech.test", "whatever-it-is");
    await expect.poll(() => alert.textContent()).toBe("Incorrect e-mail or password");
    await context.close();
  });

  it("remembers where you were going, and a lost session anywhere sends you back to sign in", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/audit`);
    await page.waitForURL(`${server.url}/sign-in?redirect=%2Fadmin%2Faudit`);
    await fillSignIn(page, demo.admin.email, demo.admin.password);
    await page.waitForURL(`${server.url}/admin/audit`);
    await page.getByTestId("audit-row").first().waitFor();
    await page.getByTestId("audit-row").first().click();
    await page.getByTestId("audit-details").first().waitFor();
    await page.screenshot({ path: "/tmp/reprotech-audit.png", fullPage: true });

    // The session cookie disappears (expired, revoked elsewhere…): the next call answers 401.
    await context.clearCookies();
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }).click();
    await page.waitForURL(/\/sign-in\?/);
    expect(new URL(page.url()).searchParams.get("notice")).toBe("session-ended");
    expect(new URL(page.url()).searchParams.get("redirect")).toBe("/admin/users");
    await page.getByText("Your session has ended").waitFor();
    await context.close();
  });
});

describe("administration", () => {
  it("an admin creates a user whose one-time link sets a password; a customer admin creates an API token shown once", async () => {
    const { context, page } = await signedIn("admin", "/admin/users");
    await page.waitForURL(`${server.url}/admin/users`);
    await page.getByTestId("users-table").waitFor();
    await page.getByRole("button", { name: "New user" }).click();
    const form = page.getByTestId("user-create-form");
    await form.getByLabel("E-mail").fill("new.vet@demo.reprotech.test");
    await form.getByLabel("Name").fill("Nina Newvet");
    await form.getByRole("combobox", { name: /^Role/ }).click();
    await page.getByRole("option", { name: "Veterinarian" }).click();
    await form.getByRole("button", { name: "Create user" }).click();
    const link = page.getByTestId("reset-link-value");
    await link.waitFor();
    expect(await link.inputValue()).toMatch(new RegExp(`^${server.url}/reset-password#token=.+`));
    await page.screenshot({ path: "/tmp/reprotech-user-created.png" });
    const resetUrl = await link.inputValue();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("cell", { name: "Nina Newvet" }).waitFor();
    await page.screenshot({ path: "/tmp/reprotech-users.png", fullPage: true });
    await page.goto(`${server.url}/admin/customers`);
    await page.getByTestId("customer-row").first().waitFor();
    await page.screenshot({ path: "/tmp/reprotech-customers.png", fullPage: true });
    await context.close();

    // The new vet opens the link, sets a password, and signs in with it.
    const vetContext = await newContext(browser);
    const vet = await vetContext.newPage();
    await vet.goto(resetUrl);
    await vet.getByTestId("reset-password-page").waitFor();
    await vet.locator('input[autocomplete="new-password"]').nth(0).fill("a fresh pass phrase");
    await vet.locator('input[autocomplete="new-password"]').nth(1).fill("a fresh pass phrase");
    await vet.screenshot({ path: "/tmp/reprotech-reset-password.png" });
    await vet.getByRole("button", { name: "Set password" }).click();
    await vet.waitForURL(/\/sign-in\?notice=password-set/);
    await fillSignIn(vet, "new.vet@demo.reprotech.test", "a fresh pass phrase");
    await vet.getByTestId("nav-admin-api-tokens").waitFor();
    expect(await vet.getByTestId("nav-admin-users").count()).toBe(0);
    await vet.goto(`${server.url}/account`);
    await vet.getByTestId("sessions-table").locator("[data-current]").waitFor();
    expect(await vet.getByTestId("account-email").textContent()).toBe("new.vet@demo.reprotech.test");
    await vet.screenshot({ path: "/tmp/reprotech-account.png", fullPage: true });
    // Changing the password ends every session, this one too: back to sign in, with a notice.
    const change = vet.getByTestId("change-password-form");
    await change.locator('input[autocomplete="current-password"]').fill("a fresh pass phrase");
    await change.locator('input[autocomplete="new-password"]').nth(0).fill("another pass phrase");
    await change.locator('input[autocomplete="new-password"]').nth(1).fill("another pass phrase");
    await change.getByRole("button", { name: "Change password" }).click();
    await vet.waitForURL(/\/sign-in\?notice=password-changed/);
    await vet.getByText("Your password was changed").waitFor();
    await vet.goto(`${server.url}/account`);
    await vet.waitForURL(/\/sign-in\?redirect=%2Faccount/);
    await vetContext.close();

    const farm = await signedIn("customer_admin", "/admin/api-tokens");
    await farm.page.getByTestId("new-token").click();
    const tokenForm = farm.page.getByTestId("token-form");
    await tokenForm.getByLabel("Name").fill("Milking robot sync");
    // Only the creator's own permissions are offered: a customer admin holds no customers.manage.
    expect(await tokenForm.getByLabel("customers.manage").count()).toBe(0);
    expect(await tokenForm.getByLabel("animals.read").isChecked()).toBe(true);
    await farm.page.screenshot({ path: "/tmp/reprotech-token-form.png" });
    await tokenForm.getByRole("button", { name: "Create token" }).click();
    const secret = farm.page.getByTestId("new-token-secret");
    await secret.waitFor();
    expect(await secret.textContent()).toContain("you won't see it again");
    expect((await farm.page.getByTestId("new-token-secret-value").inputValue()).length).toBeGreaterThan(20);
    await farm.page.screenshot({ path: "/tmp/reprotech-token-created.png" });
    await farm.page.getByRole("button", { name: "I have copied it" }).click();
    await farm.page.getByTestId("token-row").filter({ hasText: "Milking robot sync" }).waitFor();
    await farm.context.close();
  });
});

// Real identities for tests: customers and one user per role created as the owner (as an admin
// would), signed in through the real sign-in path, and tRPC callers built from their cookies.
import { randomBytes, randomUUID } from "node:crypto";
import { appRouter, createContextFactory, type ApiDeps } from "@reprotech/api";
import { hashPassword, SESSION_COOKIE, sessionCookieName, signIn } from "@reprotech/auth";
import { ROLES, silentLogger, type Role } from "@reprotech/core";
import { invalidateConsenting } from "@reprotech/domain";
import type { createCaller } from "@reprotech/api";
import pg from "pg";
import { inject } from "vitest";
import { runServices } from "./app";
import { buildDeps } from "./deps";

export const PASSWORD = "correct horse battery staple";

export interface World {
  deps: ApiDeps;
  owner: pg.Pool;
  /** Two farms: everything is made in A and probed from B's side. */
  customerA: string;
  customerB: string;
  /** A customer with research consent (researchers reach it), distinct from A and B. */
  consenting: string;
  usersA: Record<Role, { id: string; email: string }>;
  usersB: Record<Role, { id: string; email: string }>;
  close(): Promise<void>;
}

async function insertCustomer(owner: pg.Pool, name: string, researchConsent = false): Promise<string> {
  const id = randomUUID();
  await owner.query(`INSERT INTO customers (id, name, research_consent, updated_at) VALUES ($1, $2, $3, now())`, [
    id,
    name,
    researchConsent,
  ]);
  return id;
}

async function insertUser(owner: pg.Pool, role: Role, tag: string, customerId: string, hash: string) {
  const id = randomUUID();
  const email = `${role}.${tag}@test.reprotech`.toLowerCase();
  const customer = role === "customer_admin" || role === "customer_user" ? customerId : null;
  await owner.query(
    `INSERT INTO users (id, email, display_name, role, customer_id, password_hash, password_changed_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,now(),now())`,
    [id, email, `${role} ${tag}`, role, customer, hash],
  );
  if (role === "veterinarian" || role === "technician") {
    await owner.query(`INSERT INTO customer_assignments (user_id, customer_id) VALUES ($1, $2)`, [id, customerId]);
  }
  return { id, email };
}

/** A fresh pair of farms with one user per role each; users of farm B are scoped to B only. */
export async function createWorld(env: Record<string, string> = {}): Promise<World> {
  const built = buildDeps(runServices(), env);
  const owner = new pg.Pool({ connectionString: inject("ownerUrl"), max: 2 });
  const tag = randomBytes(3).toString("hex");
  const customerA = await insertCustomer(owner, `Farm A ${tag}`);
  const customerB = await insertCustomer(owner, `Farm B ${tag}`);
  const consenting = await insertCustomer(owner, `Consenting ${tag}`, true);
  const hash = await hashPassword(PASSWORD);
  const usersA = {} as World["usersA"];
  const usersB = {} as World["usersB"];
  for (const role of ROLES) {
    usersA[role] = await insertUser(owner, role, `a${tag}`, customerA, hash);
    usersB[role] = await insertUser(owner, role, `b${tag}`, customerB, hash);
  }
  const deps = built.deps;
  // The app caches the consenting customers (the researchers' scope) and drops that entry whenever it
  // changes a customer's consent; rows written here as the owner must do the same, or a researcher
  // would be served a list from before this world's consenting farm existed.
  await invalidateConsenting(deps.runtime.cache);
  return {
    deps,
    owner,
    customerA,
    customerB,
    consenting,
    usersA,
    usersB,
    async close() {
      await built.close();
      await owner.end();
    },
  };
}

export interface Caller {
  caller: ReturnType<typeof createCaller>;
  cookies: string[];
}

/** Signs `email` in through the real path and returns a caller that carries the session cookie. */
/** Signs `email` in through the real sign-in path; returns the `name=value` session cookie. */
export async function sessionCookieFor(world: World, email: string): Promise<string> {
  const auth = (await createContextFactory(world.deps)(contextInput())).auth;
  const result = await signIn(auth, { email, password: PASSWORD, ip: "127.0.0.1", userAgent: "vitest" });
  if (!result.ok) throw new Error(`sign-in of ${email} failed: ${result.reason}`);
  return `${sessionCookieName(false)}=${result.token}`;
}

export async function callerFor(world: World, email: string | null): Promise<Caller> {
  const cookieHeader = email ? await sessionCookieFor(world, email) : undefined;
  const cookies: string[] = [];
  const ctx = await createContextFactory(world.deps)(contextInput(cookieHeader, cookies));
  return { caller: appRouter.createCaller(ctx), cookies };
}

function contextInput(cookieHeader?: string, cookies: string[] = []) {
  return {
    requestId: randomUUID(),
    log: silentLogger,
    request: { ip: "127.0.0.1", userAgent: "vitest", cookieHeader, secure: false },
    response: { setCookie: (v: string) => void cookies.push(v) },
  };
}

export { SESSION_COOKIE };

// What every procedure can reach. The server builds one ApiDeps per process and a Context per
// request: who is calling (session cookie or API token) is resolved here, once, before any procedure.
import type { AuthDeps, Principal } from "@reprotech/auth";
import { readSessionCookie, sessionConfigFrom, validateApiToken, validateSessionToken } from "@reprotech/auth";
import type { CacheRuntime } from "@reprotech/cache";
import type { Config, Logger } from "@reprotech/core";
import type { PrismaClient } from "@reprotech/db";
import type pg from "pg";
import { asUnavailable } from "./unavailable";

export interface ApiDeps {
  config: Config;
  /** Application-role pool and client: row-level security always applies. */
  pool: pg.Pool;
  db: PrismaClient;
  runtime: CacheRuntime;
  log: Logger;
  version: string;
  startedAt: Date;
}

/** The parts of the HTTP request procedures may use, independent of Fastify. */
export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  cookieHeader?: string;
  authorization?: string;
  /** Whether the client reached us over HTTPS (decides the cookie's Secure attribute and name). */
  secure: boolean;
}

export interface ResponseControl {
  setCookie(value: string): void;
}

export interface Context extends ApiDeps {
  requestId: string;
  request: RequestInfo;
  response: ResponseControl;
  principal: Principal | null;
  auth: AuthDeps;
}

export function authDepsFrom(deps: ApiDeps): AuthDeps {
  return {
    db: deps.db,
    cache: deps.runtime.cache,
    rateLimiter: deps.runtime.rateLimiter,
    sessions: sessionConfigFrom(deps.config),
    signIn: {
      maxFailures: deps.config.SIGNIN_MAX_FAILURES,
      windowSeconds: deps.config.SIGNIN_WINDOW_MINUTES * 60,
      ipMaxFailures: deps.config.SIGNIN_IP_MAX_FAILURES,
    },
  };
}

const BEARER = /^Bearer\s+(\S+)$/i;

/** Bearer token first (SDK, CLI), else the session cookie (SPA). An invalid credential means anonymous. */
export async function resolvePrincipal(auth: AuthDeps, request: RequestInfo): Promise<Principal | null> {
  const bearer = request.authorization?.match(BEARER)?.[1];
  if (bearer) return validateApiToken(auth, bearer);
  // Over HTTPS only the __Host- cookie counts, so a sibling subdomain cannot plant a session.
  const cookie = readSessionCookie(request.cookieHeader, { secure: request.secure });
  return cookie ? validateSessionToken(auth, cookie) : null;
}

export function createContextFactory(deps: ApiDeps) {
  const auth = authDepsFrom(deps);
  return async (input: {
    requestId: string;
    log: Logger;
    request: RequestInfo;
    response: ResponseControl;
  }): Promise<Context> => ({
    ...deps,
    ...input,
    auth,
    principal: await resolvePrincipal(auth, input.request).catch((error: unknown) => {
      throw asUnavailable(error) ?? error;
    }),
  });
}

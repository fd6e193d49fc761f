// What every procedure can reach. The server builds one ApiDeps per process and a Context per
// request; identity and the tenant transaction join it with the identity/tenancy work.
import type { CacheRuntime } from "@reprotech/cache";
import type { Config, Logger } from "@reprotech/core";
import type { PrismaClient } from "@reprotech/db";
import type pg from "pg";

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

export interface Context extends ApiDeps {
  requestId: string;
}

export function createContextFactory(deps: ApiDeps) {
  return (requestId: string, log: Logger): Context => ({ ...deps, requestId, log });
}

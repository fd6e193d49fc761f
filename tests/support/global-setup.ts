import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./database";
import { redisUrl } from "./env";

declare module "vitest" {
  export interface ProvidedContext {
    ownerUrl: string;
    appUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await createTestDatabase();
  project.provide("ownerUrl", db.ownerUrl);
  project.provide("appUrl", db.appUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", `test:${randomBytes(4).toString("hex")}:`);
  return async () => db.drop();
}

// The built server as a process: graceful shutdown, configuration errors, the embedded default.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Status } from "@reprotech/domain";
import { describe, expect, inject, it } from "vitest";
import { startServer, startWorker } from "../support/server";

const realServices = () => ({
  DATABASE_URL: inject("appUrl"),
  DATABASE_OWNER_URL: inject("ownerUrl"),
  REDIS_URL: inject("redisUrl"),
  REDIS_KEY_PREFIX: inject("redisPrefix"),
});

describe("graceful shutdown", () => {
  it("finishes an in-flight request, answers new ones with 503 and exits 0 on SIGTERM", async () => {
    const server = await startServer({ ...realServices(), SHUTDOWN_TIMEOUT_MS: "15000" });
    // Make /readyz slow for real: it reads the migration history, which we lock from outside.
    const locker = new pg.Client({ connectionString: inject("ownerUrl") });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE "_prisma_migrations" IN ACCESS EXCLUSIVE MODE`);
      const slow = fetch(`${server.url}/readyz`);
      await new Promise((r) => setTimeout(r, 300));
      server.child.kill("SIGTERM");
      await waitFor(() => server.output().includes("shutting down"));
      const during = await fetch(`${server.url}/healthz`);
      expect(during.status).toBe(503);
      await locker.query("COMMIT");
      const slowResponse = await slow;
      expect(slowResponse.status).toBe(200);
      expect(await slowResponse.json()).toMatchObject({ status: "ready" });
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain("shutdown complete");
    } finally {
      await locker.end();
      await server.stop();
    }
  });
});

describe("worker process", () => {
  it("consumes the shared queue (its heartbeat reaches the server's status) and stops cleanly on SIGTERM", async () => {
    const worker = await startWorker(realServices());
    const server = await startServer(realServices());
    try {
      await waitForAsync(async () => {
        const status = (await (await fetch(`${server.url}/api/v1/status`)).json()) as Status;
        return (
          status.worker.lastHeartbeatAt !== null && String(status.worker.workerId).endsWith(`-${worker.child.pid}`)
        );
      });
      expect(await worker.stop()).toBe(0);
      expect(worker.output()).toContain("worker stopped");
    } finally {
      await worker.stop();
      await server.stop();
    }
  });
});

describe("configuration", () => {
  it("refuses to start on a bad value and names the variable", async () => {
    await expect(startServer({ PORT: "not-a-port", DATABASE_URL: "mysql://nope" })).rejects.toThrow(
      /PORT:[\s\S]*DATABASE_URL: must be a postgresql:\/\/ URL|DATABASE_URL: must be a postgresql:\/\/ URL[\s\S]*PORT:/,
    );
  });
});

describe("embedded default (no DATABASE_URL, no REDIS_URL)", () => {
  it("starts PGlite under DATA_DIR, migrates and seeds once, serves, and keeps its data across a restart", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-embedded-"));
    try {
      const first = await startServer({ DATA_DIR: dataDir });
      expect(first.output()).toContain("runtime mode: database=embedded redis=in-process");
      const ready = await fetch(`${first.url}/readyz`);
      expect(ready.status).toBe(200);
      const status = (await (await fetch(`${first.url}/api/v1/status`)).json()) as Status;
      expect(status.mode).toEqual({ database: "embedded", redis: "in-process" });
      expect(first.output()).toMatch(/applied \d+_init/);
      expect(first.output()).toMatch(/seed customers: \d+ created/);
      expect(await first.stop()).toBe(0);

      const second = await startServer({ DATA_DIR: dataDir });
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      // Same files: nothing to migrate, nothing to seed.
      expect(second.output()).not.toMatch(/applied \d+_/);
      expect(second.output()).not.toContain("seed customers");
      expect(await second.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

async function waitForAsync(cond: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

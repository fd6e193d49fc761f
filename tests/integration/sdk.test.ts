// The SDK and CLI over real HTTP against the server wired to real PostgreSQL and Redis.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { createReprotechClient } from "@reprotech/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../support/app";
import { repoRoot } from "../support/server";

let t: Awaited<ReturnType<typeof startTestApp>>;
let url: string;
beforeAll(async () => {
  t = await startTestApp();
  url = await t.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => t?.close());

describe("SDK", () => {
  it("calls procedures with their types, batching parallel queries into one request", async () => {
    let requests = 0;
    const client = createReprotechClient({
      url,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const [a, b] = await Promise.all([client.system.status.query(), client.system.status.query()]);
    expect(requests).toBe(1);
    expect(a.service).toBe("reprotech");
    expect(b.mode).toEqual({ database: "postgres", redis: "redis" });
  });

  it("surfaces server errors as TRPCClientError with the code", async () => {
    const client = createReprotechClient({ url });
    // @ts-expect-error — deliberately wrong input to see the server's validation error
    await expect(client.system.status.query({ nope: 1 })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
  });
});

describe("reprotech CLI", () => {
  const cli = path.join(repoRoot, "packages/sdk/dist/cli.js");
  const run = promisify(execFile);

  it("prints the status and exits 0 when healthy", async () => {
    const { stdout } = await run(process.execPath, [cli, "status", "--url", url]);
    expect(stdout).toMatch(/^Reprotech test \(database: postgres, redis: redis\)/);
    expect(stdout).toMatch(/database\s+ok/);
  });

  it("exits non-zero with a clear message when the server is unreachable", async () => {
    const failed = await run(process.execPath, [cli, "status", "--url", "http://127.0.0.1:9"]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("reprotech: cannot reach http://127.0.0.1:9");
  });
});

// threadEntry: the .ts entry (with the tsx loader) when running from source, the bundled .js beside
// the bundle otherwise, and a message naming the missing tsup entry when neither exists.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threadEntry } from "../src/parallel/thread-entry";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "thread-entry-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("threadEntry", () => {
  it("runs the .ts source through the tsx loader when the source is there", async () => {
    const source = pathToFileURL(path.join(dir, "echo.worker.ts"));
    await writeFile(
      source,
      `import { parentPort } from "node:worker_threads";\nconst n: number = 41;\nparentPort!.postMessage(n + 1);\n`,
    );
    const entry = threadEntry(source, "echo.worker");
    expect(entry.url.href).toBe(source.href);
    expect(entry.execArgv.some((a) => /tsx/.test(a))).toBe(true);
    const answer = await new Promise((resolve, reject) =>
      new Worker(entry.url, { execArgv: entry.execArgv }).once("message", resolve).once("error", reject),
    );
    expect(answer).toBe(42);
  });

  it("takes <bundledName>.js beside the caller when the .ts source is not there (a bundle)", async () => {
    const bundled = path.join(dir, "bundled.worker.js");
    await writeFile(bundled, `import { parentPort } from "node:worker_threads";\nparentPort.postMessage("js");\n`);
    const entry = threadEntry(pathToFileURL(path.join(dir, "src-only.worker.ts")), "bundled.worker");
    expect(entry.url.href).toBe(pathToFileURL(bundled).href);
    expect(entry.execArgv).toEqual(process.execArgv);
    const answer = await new Promise((resolve, reject) =>
      new Worker(entry.url, { execArgv: entry.execArgv }).once("message", resolve).once("error", reject),
    );
    expect(answer).toBe("js");
  });

  it("leaves the process's V8 heap flags out of a thread's execArgv (Worker refuses them)", async () => {
    const bundled = path.join(dir, "flags.worker.js");
    await writeFile(bundled, `import { parentPort } from "node:worker_threads";\nparentPort.postMessage("ok");\n`);
    const flag = "--max-semi-space-size=4";
    process.execArgv.push(flag);
    try {
      const entry = threadEntry(pathToFileURL(path.join(dir, "flags.worker.ts")), "flags.worker");
      expect(entry.execArgv).not.toContain(flag);
      const answer = await new Promise((resolve, reject) =>
        new Worker(entry.url, { execArgv: entry.execArgv }).once("message", resolve).once("error", reject),
      );
      expect(answer).toBe("ok");
      // What the filter guards against:
      expect(() => new Worker(entry.url, { execArgv: [flag] })).toThrow(/ERR_WORKER_INVALID_EXEC_ARGV|execArgv/);
    } finally {
      process.execArgv.splice(process.execArgv.indexOf(flag), 1);
    }
  });

  it("names the missing tsup entry when neither file exists", () => {
    expect(() => threadEntry(pathToFileURL(path.join(dir, "gone.worker.ts")), "gone.worker")).toThrow(
      /add "gone\.worker" to the app's tsup entries/,
    );
  });
});

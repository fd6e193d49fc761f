// threadEntry: the .ts entry (with the tsx loader) when running from source, the bundled .js beside
// the bundle otherwise, and a message naming the missing tsup entry when neither exists.
import { execFile } from "node:child_process";
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
    expect(entry.execArgv?.some((a) => /tsx/.test(a))).toBe(true);
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
    expect(entry.execArgv).toBeUndefined(); // inherits the process's flags
    const answer = await new Promise((resolve, reject) =>
      new Worker(entry.url, { execArgv: entry.execArgv }).once("message", resolve).once("error", reject),
    );
    expect(answer).toBe("js");
  });

  it("starts a bundled thread in a process run with V8 heap flags (Worker refuses them in execArgv)", async () => {
    const bundled = path.join(dir, "flags.worker.js");
    await writeFile(bundled, `import { parentPort } from "node:worker_threads";\nparentPort.postMessage("ok");\n`);
    const script = path.join(dir, "flags-main.mjs");
    await writeFile(
      script,
      `import { Worker } from "node:worker_threads";
import { threadEntry } from ${JSON.stringify(pathToFileURL(path.resolve(import.meta.dirname, "../src/parallel/thread-entry.ts")).href)};
const entry = threadEntry(new URL(${JSON.stringify(pathToFileURL(path.join(dir, "flags.worker.ts")).href)}), "flags.worker");
new Worker(entry.url, { execArgv: entry.execArgv }).once("message", (m) => console.log(m)).once("error", (e) => { console.log(e.code); process.exitCode = 1; });
`,
    );
    const run = (flags: string[]) =>
      new Promise<string>((resolve) =>
        execFile(process.execPath, [...flags, "--import", "tsx", script], (_error, stdout) => resolve(stdout.trim())),
      );
    expect(await run(["--max-semi-space-size=4", "--max_old_space_size=512"])).toBe("ok");
    // What inheriting avoids: the same flags handed over as execArgv.
    expect(() => new Worker(pathToFileURL(bundled), { execArgv: ["--max-semi-space-size=4"] })).toThrow(/execArgv/);
  });

  it("names the missing tsup entry when neither file exists", () => {
    expect(() => threadEntry(pathToFileURL(path.join(dir, "gone.worker.ts")), "gone.worker")).toThrow(
      /add "gone\.worker" to the app's tsup entries/,
    );
  });
});

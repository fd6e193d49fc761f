// Starts the BUILT server and worker (apps/*/dist) as child processes, the way they run in production.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
const serverEntry = path.join(repoRoot, "apps/server/dist/main.js");
const workerEntry = path.join(repoRoot, "apps/worker/dist/main.js");

export interface RunningServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * An app's `start` script ("[NAME=value…] node <flags…> dist/main.js") as environment and node flags:
 * run as deployed.
 */
function startCommand(entry: string): { env: Record<string, string>; flags: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), "../package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const node = words.indexOf("node");
  const assignments = words.slice(0, Math.max(node, 0));
  if (node < 0 || words.at(-1) !== "dist/main.js" || !assignments.every((w) => /^[A-Z_][A-Z0-9_]*=\S*$/.test(w)))
    throw new Error(`expected "[NAME=value…] node <flags…> dist/main.js" as the start script of ${entry}'s app`);
  const env = Object.fromEntries(assignments.map((w) => [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)]));
  return { env, flags: words.slice(node + 1, -1) };
}

function spawnBuilt(entry: string, env: Record<string, string>) {
  const start = startCommand(entry);
  return spawn(process.execPath, [...start.flags, entry], {
    cwd: repoRoot,
    // No lost-job re-adding: every test file has its own queues over one shared database, and one
    // process's worker must not pick up another file's rows (tests/integration/lost-jobs.test.ts).
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      LOST_JOB_AFTER_SECONDS: "0",
      ...start.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Starts the built worker and resolves once it consumes its queues. */
export async function startWorker(env: Record<string, string>): Promise<RunningServer> {
  const child = spawnBuilt(workerEntry, env);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes("worker ready")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`worker did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: "",
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawnBuilt(serverEntry, { HOST: "127.0.0.1", PORT: String(port), ...env });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

#!/usr/bin/env node
// `reprotech`: the command line for scripts and lab machines, built on the SDK.
import { Command } from "commander";
import { createReprotechClient } from "./client";

const program = new Command()
  .name("reprotech")
  .description("Reprotech command line")
  .option("--url <url>", "server URL", process.env.REPROTECH_URL ?? "http://127.0.0.1:3000")
  .option("--token <token>", "API token (or REPROTECH_TOKEN)", process.env.REPROTECH_TOKEN)
  .option("--json", "print machine-readable JSON");

function client() {
  const { url, token } = program.opts<{ url: string; token?: string }>();
  return createReprotechClient({ url, token });
}

program
  .command("status")
  .description("show the server's status and the health of its database, Redis and worker")
  .action(async () => {
    const status = await client().system.status.query();
    if (program.opts().json) return console.log(JSON.stringify(status, null, 2));
    const mark = (ok: boolean) => (ok ? "ok" : "FAIL");
    console.log(`Reprotech ${status.version} (database: ${status.mode.database}, redis: ${status.mode.redis})`);
    console.log(
      `  database  ${mark(status.database.ok)}${status.database.latencyMs !== null ? `  ${status.database.latencyMs} ms` : ""}${status.database.detail ? `  ${status.database.detail}` : ""}`,
    );
    console.log(
      `  redis     ${mark(status.redis.ok)}${status.redis.latencyMs !== null ? `  ${status.redis.latencyMs} ms` : ""}`,
    );
    console.log(
      `  worker    ${status.worker.lastHeartbeatAt ? `last heartbeat ${status.worker.lastHeartbeatAt} (${status.worker.workerId})` : "no heartbeat"}`,
    );
    if (!status.database.ok || !status.redis.ok) process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (error) {
  const message = (error as Error).message;
  // fetch's own wording ("fetch failed") does not say what failed.
  const unreachable = message === "fetch failed" ? `cannot reach ${program.opts().url}` : message;
  console.error(`reprotech: ${unreachable}`);
  process.exit(1);
}

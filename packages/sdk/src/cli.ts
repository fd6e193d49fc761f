#!/usr/bin/env node
// `reprotech`: the command line for scripts and lab machines, built on the SDK.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import { createReprotechClient } from "./client";
import { exportGenotypes } from "./genotype-export";
import { followUploadProgress, uploadGenotypeFile, type UploadProgressEvent } from "./upload";

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

const MB = 1024 * 1024;

/** A one-line progress bar on stderr: redrawn in place on a terminal, a line every few seconds elsewhere. */
function progressLine(label: string) {
  let lastDraw = 0;
  let lastText = "";
  return (fraction: number | undefined, detail: string, final = false) => {
    const now = Date.now();
    if (!final && now - lastDraw < (process.stderr.isTTY ? 100 : 2000)) return;
    lastDraw = now;
    const width = 30;
    const bar =
      fraction === undefined
        ? ""
        : `[${"#".repeat(Math.round(fraction * width)).padEnd(width, ".")}] ${String(Math.floor(fraction * 100)).padStart(3)}% `;
    const text = `${label} ${bar}${detail}`;
    if (text === lastText && !final) return;
    lastText = text;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}${final ? "\n" : ""}`);
    else process.stderr.write(`${text}\n`);
  };
}

const genotypesCommand = program.command("genotypes").description("genotype files");

genotypesCommand
  .command("upload <file>")
  .description("stream a genotype file (FinalReport, VCF, .ped) to the server and follow its processing")
  .requiredOption("--customer <id>", "the customer (farm) the file belongs to")
  .requiredOption("--panel <id>", "the SNP panel (chip) the file was genotyped on")
  .option("--idempotency-key <key>", "the same key never uploads twice")
  .option("--no-follow", "return once the file is uploaded, without waiting for processing")
  .action(async (file: string, opts: { customer: string; panel: string; idempotencyKey?: string; follow: boolean }) => {
    const { url, token, json } = program.opts<{ url: string; token?: string; json?: boolean }>();
    const { size } = await stat(file);
    const transfer = progressLine("Uploading ");
    const result = await uploadGenotypeFile({
      url,
      token,
      customerId: opts.customer,
      panelId: opts.panel,
      fileName: path.basename(file),
      idempotencyKey: opts.idempotencyKey,
      // 1 MB reads: fetch pays per piece, and 64 KB pieces make a plate upload ~1.5× slower.
      body: createReadStream(file, { highWaterMark: 1 << 20 }),
      size,
      onTransfer: (sent, total) =>
        transfer(total ? sent / total : undefined, `${(sent / MB).toFixed(1)}/${(size / MB).toFixed(1)} MB`),
    });
    transfer(1, `${(size / MB).toFixed(1)}/${(size / MB).toFixed(1)} MB`, true);
    const { upload, created } = result;
    console.error(
      created
        ? `Uploaded ${upload.originalFileName} as ${upload.id} (${upload.format}, ${upload.byteSize} bytes, sha256 ${upload.sha256})`
        : `Already uploaded as ${upload.id} (status ${upload.status})`,
    );
    if (!opts.follow) {
      if (json) console.log(JSON.stringify(result, null, 2));
      return;
    }
    const processing = progressLine("Processing");
    const show = (e: UploadProgressEvent, final = false) =>
      processing(
        e.totalBytes ? e.bytesRead / e.totalBytes : undefined,
        `${e.phase}${e.sampleCount !== null ? ` ${e.samplesDone}/${e.sampleCount} samples` : ""}`,
        final,
      );
    const final = await followUploadProgress(
      createReprotechClient({ url, token }),
      { customerId: upload.customerId, uploadId: upload.id },
      (e) => show(e),
    );
    show(final, true);
    if (json) console.log(JSON.stringify(final, null, 2));
    else if (final.phase === "completed") {
      const samples = final.samples ?? [];
      const idWidth = Math.max(9, ...samples.map((s) => s.sampleId.length));
      console.log(`${"sample".padEnd(idWidth)}  ${"outcome".padEnd(10)}  call rate  animal`);
      for (const s of samples)
        console.log(
          `${s.sampleId.padEnd(idWidth)}  ${s.outcome.padEnd(10)}  ${(s.callRate === null ? "-" : s.callRate.toFixed(4)).padStart(9)}  ${s.animalId ?? "-"}`,
        );
      console.log(
        `Completed: ${final.sampleCount ?? 0} samples, ${final.matchedCount ?? 0} matched, ${final.storedCount ?? 0} stored`,
      );
    }
    if (final.phase !== "completed") {
      console.error(`reprotech: processing failed: ${final.errorMessage ?? "unknown error"}`);
      process.exitCode = 1;
    }
  });

genotypesCommand
  .command("export")
  .description("download the genotypes of a selection of animals as PLINK files in one zip")
  .requiredOption("--animals <ids>", "animal ids, comma-separated, or @file with one id per line")
  .requiredOption("--out <file>", "where the zip goes")
  .option("--format <format>", "bed (.bed/.bim/.fam) or ped (.ped/.map)", "bed")
  .option("--panel <id>", "the SNP panel, when the animals are genotyped on several")
  .option("--customer <id>", "only this customer's animals")
  .option("--skip-missing", "leave out animals not found or without a genotype on the panel")
  .action(
    async (opts: {
      animals: string;
      out: string;
      format: string;
      panel?: string;
      customer?: string;
      skipMissing?: boolean;
    }) => {
      const { url, token, json } = program.opts<{ url: string; token?: string; json?: boolean }>();
      const list = opts.animals.startsWith("@") ? await readFile(opts.animals.slice(1), "utf8") : opts.animals;
      const animalIds = list
        .split(/[\s,]+/)
        .map((id) => id.trim())
        .filter(Boolean);
      const result = await exportGenotypes({
        url,
        token,
        destination: opts.out,
        animalIds,
        format: opts.format as "bed" | "ped",
        panelId: opts.panel,
        customerId: opts.customer,
        skipMissing: opts.skipMissing ?? false,
      });
      if (json) console.log(JSON.stringify({ ...result, path: opts.out }, null, 2));
      else console.error(`Exported ${result.fileName} to ${opts.out} (${(result.bytes / MB).toFixed(1)} MB)`);
    },
  );

try {
  await program.parseAsync();
} catch (error) {
  const message = (error as Error).message;
  // fetch's own wording ("fetch failed") does not say what failed.
  const unreachable = message === "fetch failed" ? `cannot reach ${program.opts().url}` : message;
  console.error(`reprotech: ${unreachable}`);
  process.exit(1);
}

// Entry point: validate configuration, connect (real services or embedded), serve, shut down cleanly.
import { loadConfigOrExit, runtimeMode } from "@reprotech/core";
import { genotypes, registerJobProcessors } from "@reprotech/domain";
import { buildApp } from "./app";
import { startInfrastructure } from "./infrastructure";
import { createLogger } from "./logger";
import { defaultWebDist } from "./paths";
import { installShutdown } from "./shutdown";
import { version } from "./version";

const config = loadConfigOrExit();

const logger = createLogger(config, "server");
const startedAt = new Date();
const infra = await startInfrastructure(config, logger);
if (runtimeMode(config).redis === "in-process") {
  // No Redis means no separate worker process can reach the queue: run the jobs here.
  await registerJobProcessors({
    runtime: infra.runtime,
    db: infra.db,
    pool: infra.pool,
    log: logger,
    auditRetentionMonths: config.AUDIT_RETENTION_MONTHS,
    blobs: genotypes.blobStoreFromConfig(config),
    workerId: `server-${process.pid}`,
    concurrency: config.WORKER_CONCURRENCY,
    lostJobAfterSeconds: config.LOST_JOB_AFTER_SECONDS,
    singleSessionDatabase: runtimeMode(config).database === "embedded",
  });
}
const app = await buildApp({
  deps: { config, pool: infra.pool, db: infra.db, runtime: infra.runtime, log: logger, version, startedAt },
  logger,
  webDistDir: config.WEB_DIST_DIR ?? defaultWebDist(),
});
installShutdown(app, config.SHUTDOWN_TIMEOUT_MS, (remaining) => infra.close(remaining));
await app.listen({ host: config.HOST, port: config.PORT });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : config.PORT;
logger.info(
  `Reprotech ${version} is ready: open http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${port}/`,
);

// Connects the process to its backing services, in whichever runtime mode the configuration
// selects, and knows how to let go of them again in the right order.
import { hashPassword } from "@reprotech/auth";
import { createCacheRuntime, type CacheRuntime } from "@reprotech/cache";
import { runtimeMode, type Config, type Logger } from "@reprotech/core";
import {
  createPool,
  createPrisma,
  migrate,
  migrationsDir,
  ownerUrl,
  runSeed,
  ensureDatabase,
  type PrismaClient,
} from "@reprotech/db";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@reprotech/db/embedded";
import type pg from "pg";

export interface Infrastructure {
  pool: pg.Pool;
  db: PrismaClient;
  runtime: CacheRuntime;
  close(deadlineMs: number): Promise<void>;
}

export async function startInfrastructure(config: Config, log: Logger): Promise<Infrastructure> {
  const mode = runtimeMode(config);
  let embedded: EmbeddedPostgres | undefined;
  let appUrl: string;
  if (mode.database === "embedded") {
    embedded = await startEmbeddedPostgres(config.DATA_DIR, config.DATABASE_POOL_MAX);
    const result = await migrate(embedded.url, migrationsDir(), (line) => log.info(line));
    // First run: the init migration was just applied, so give the user something to look at.
    if (result.alreadyApplied.length === 0) {
      await runSeed({
        ownerUrl: embedded.url,
        hashPassword,
        printCredentials: config.NODE_ENV !== "production",
        log: (line) => log.info(`seed ${line}`),
      });
    }
    await embedded.dropToAppRole();
    appUrl = embedded.url;
  } else {
    appUrl = config.DATABASE_URL!;
    if (config.MIGRATE_ON_START) {
      await ensureDatabase(ownerUrl(config));
      await migrate(ownerUrl(config), migrationsDir(), (line) => log.info(line));
    }
  }
  const pool = createPool(appUrl, config);
  pool.on("error", (error) => log.error({ err: error }, "idle database connection failed"));
  const db = createPrisma(pool);
  const runtime = createCacheRuntime(config, "server");
  log.info(
    { mode, dataDir: embedded ? config.DATA_DIR : undefined },
    `runtime mode: database=${mode.database} redis=${mode.redis}`,
  );
  return {
    pool,
    db,
    runtime,
    async close(deadlineMs) {
      await runtime.close(deadlineMs);
      await db.$disconnect();
      await pool.end();
      await embedded?.stop();
    },
  };
}

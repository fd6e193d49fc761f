// The one place configuration is read and validated. Every process (server, worker, CLIs)
// calls loadConfig(process.env) at boot; a bad or missing value stops it with a message that
// names the variable. `.env.example` documents each variable below.
import path from "node:path";
import { z } from "zod";

const int = (dflt: number, min = 0) => z.coerce.number().int().min(min).default(dflt);
const bool = (dflt: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(dflt ? "true" : "false")
    .transform((v) => v === "true" || v === "1");
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgresql:// URL" });
const redisUrl = z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" });
// An empty string in the environment means "not set", as most shells and .env files intend.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
// A comma-separated list of origins (`scheme://host[:port]`, nothing after it); empty → [].
const origins = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((o) => o.trim().replace(/\/$/, ""))
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((o) => {
        try {
          return /^https?:$/.test(new URL(o).protocol) && new URL(o).origin === o;
        } catch {
          return false;
        }
      }, "must be comma-separated origins like https://reprotech.example (scheme, host and port only)"),
    ),
  );

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(3000).pipe(z.number().max(65535)),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Application role: owns nothing, cannot bypass row-level security. Unset → embedded PGlite. */
  DATABASE_URL: optional(postgresUrl),
  /** Owner role: runs migrations and seeds. Defaults to DATABASE_URL's host and database as `postgres`. */
  DATABASE_OWNER_URL: optional(postgresUrl),
  DATABASE_POOL_MAX: int(10, 1),
  DATABASE_CONNECT_TIMEOUT_MS: int(5_000, 1),
  DATABASE_IDLE_TIMEOUT_MS: int(30_000, 1),
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000, 0),
  /** Unset → in-process cache, pub/sub and queue (embedded mode). */
  REDIS_URL: optional(redisUrl),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9_:-]+$/i)
    .default("reprotech:"),
  /** Embedded database files and filesystem blobs live here. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Run migrations at start-up (always on in embedded mode). */
  MIGRATE_ON_START: bool(false),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100),
  TRPC_MAX_BATCH_SIZE: int(20, 1),
  /** Largest animal import file (CSV/XLSX) accepted, in megabytes; larger uploads are refused unread. */
  ANIMAL_IMPORT_MAX_MB: int(50, 1),
  /** Largest raw genotype file (FinalReport, VCF, .ped) accepted, in megabytes; larger uploads are refused unread. */
  GENOTYPE_UPLOAD_MAX_MB: int(2048, 1),
  /** Built SPA to serve; unset → apps/web/dist next to the server, if it exists. */
  WEB_DIST_DIR: optional(z.string().min(1)),
  WORKER_CONCURRENCY: int(2, 1),
  /** An upload still queued, or a published model still unscored, this long is re-enqueued (0: never). */
  LOST_JOB_AFTER_SECONDS: int(120, 0),
  /** A session ends after this long without a request... */
  SESSION_IDLE_TIMEOUT_MINUTES: int(30, 1),
  /** ...and this long after sign-in, however active. */
  SESSION_ABSOLUTE_TIMEOUT_HOURS: int(12, 1),
  /** Origins a cookie-authenticated state-changing request may come from; empty → the request's own Host. */
  ALLOWED_ORIGINS: origins,
  /** Failed sign-ins per account (known e-mail or not) within the window before it is locked until the window ends. */
  SIGNIN_MAX_FAILURES: int(10, 1),
  SIGNIN_WINDOW_MINUTES: int(15, 1),
  /** Failed sign-ins per client IP within the same window. */
  SIGNIN_IP_MAX_FAILURES: int(100, 1),
  /** Audit partitions older than this are dropped by the daily maintenance job (at least 12). */
  AUDIT_RETENTION_MONTHS: int(24, 12),
  /** Raw genotype files go to this S3 bucket when set; unset → the filesystem under DATA_DIR/blobs. */
  S3_BUCKET: optional(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)",
      ),
  ),
  /** The bucket's region (e.g. eu-west-1); required with S3_BUCKET (any value for most S3-compatible servers). */
  S3_REGION: optional(z.string().regex(/^[a-z0-9-]+$/, "must be a region name like eu-west-1")),
  /** An S3-compatible server (MinIO, Ceph, R2...); unset → AWS's endpoint for the region. */
  S3_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })),
  /** Path-style requests (`endpoint/bucket/key`), which most S3-compatible servers need. */
  S3_FORCE_PATH_STYLE: bool(false),
});

// S3 settings that cannot work, or would be silently ignored without a bucket, are named at boot.
const checkedSchema = configSchema.superRefine((c, ctx) => {
  if (c.S3_BUCKET && !c.S3_REGION)
    ctx.addIssue({
      code: "custom",
      path: ["S3_REGION"],
      message: "is required when S3_BUCKET is set (e.g. eu-west-1)",
    });
  if (!c.S3_BUCKET)
    for (const name of ["S3_REGION", "S3_ENDPOINT"] as const)
      if (c[name])
        ctx.addIssue({ code: "custom", path: [name], message: "is set but S3_BUCKET is not: set S3_BUCKET to use S3" });
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Validates the environment; throws ConfigError listing every bad variable by name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = checkedSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const config = parsed.data;
  // S3 credentials come from the AWS SDK's default chain, not from this schema (secrets stay out of
  // the config object); only a half-set static key pair is caught here, where the message is clear.
  if (config.S3_BUCKET && Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY))
    throw new ConfigError(
      "Invalid configuration:\n  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: set both or neither (S3 credentials)",
    );
  return { ...config, DATA_DIR: path.resolve(config.DATA_DIR) };
}

/** For process entry points: the validated configuration, or a message naming the bad variables and exit 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** Which backing services this configuration runs on; the start-up log prints it. */
export function runtimeMode(config: Config): { database: "postgres" | "embedded"; redis: "redis" | "in-process" } {
  return {
    database: config.DATABASE_URL ? "postgres" : "embedded",
    redis: config.REDIS_URL ? "redis" : "in-process",
  };
}

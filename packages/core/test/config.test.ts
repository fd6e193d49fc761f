import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, runtimeMode } from "../src/config";

describe("loadConfig", () => {
  it("applies defaults and resolves DATA_DIR to an absolute path", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_POOL_MAX).toBe(10);
    expect(config.DATA_DIR.startsWith("/")).toBe(true);
    expect(runtimeMode(config)).toEqual({ database: "embedded", redis: "in-process" });
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", REDIS_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", REDIS_URL: "http://x", MIGRATE_ON_START: "yes" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["PORT", "DATABASE_URL", "REDIS_URL", "MIGRATE_ON_START"]) expect(message).toContain(`${name}:`);
  });

  it("reports real services when both URLs are set", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://app@127.0.0.1/db", REDIS_URL: "redis://127.0.0.1:6379" });
    expect(runtimeMode(config)).toEqual({ database: "postgres", redis: "redis" });
  });
});

describe(".env.example", () => {
  it("documents exactly the variables the schema reads", async () => {
    const { readFile } = await import("node:fs/promises");
    const { configSchema } = await import("../src/config");
    const text = await readFile(new URL("../../../.env.example", import.meta.url), "utf8");
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape).sort());
  });
});

describe("identity settings", () => {
  it("defaults sessions, sign-in throttling and allowed origins", () => {
    const config = loadConfig({});
    expect(config.SESSION_IDLE_TIMEOUT_MINUTES).toBe(30);
    expect(config.SESSION_ABSOLUTE_TIMEOUT_HOURS).toBe(12);
    expect(config.SIGNIN_MAX_FAILURES).toBe(10);
    expect(config.SIGNIN_WINDOW_MINUTES).toBe(15);
    expect(config.SIGNIN_IP_MAX_FAILURES).toBe(100);
    expect(config.ALLOWED_ORIGINS).toEqual([]);
  });

  it("parses ALLOWED_ORIGINS as a list of bare origins", () => {
    expect(loadConfig({ ALLOWED_ORIGINS: " https://a.example, http://localhost:5173/ ," }).ALLOWED_ORIGINS).toEqual([
      "https://a.example",
      "http://localhost:5173",
    ]);
    for (const bad of ["https://a.example/path", "a.example", "ftp://a.example", "*"])
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(/ALLOWED_ORIGINS/);
  });
});

describe("S3 settings", () => {
  it("leaves S3 off by default and reads a full S3 configuration", () => {
    expect(loadConfig({}).S3_BUCKET).toBeUndefined();
    const config = loadConfig({
      S3_BUCKET: "reprotech-raw",
      S3_REGION: "eu-west-1",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(config).toMatchObject({
      S3_BUCKET: "reprotech-raw",
      S3_REGION: "eu-west-1",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_FORCE_PATH_STYLE: true,
    });
  });

  it("names the S3 variable that is wrong", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ S3_BUCKET: "Bad_Bucket", S3_REGION: "eu-west-1" }, /S3_BUCKET: must be an S3 bucket name/],
      [{ S3_BUCKET: "reprotech-raw" }, /S3_REGION: is required when S3_BUCKET is set/],
      [{ S3_BUCKET: "reprotech-raw", S3_REGION: "eu-west-1", S3_ENDPOINT: "s3.local" }, /S3_ENDPOINT: must be an http/],
      [{ S3_ENDPOINT: "http://127.0.0.1:9000" }, /S3_ENDPOINT: is set but S3_BUCKET is not/],
      [{ S3_REGION: "eu-west-1" }, /S3_REGION: is set but S3_BUCKET is not/],
      [{ S3_BUCKET: "reprotech-raw", S3_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIA" }, /set both or neither/],
    ];
    for (const [env, message] of bad) expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
  });
});

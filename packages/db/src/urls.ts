import type { Config } from "@reprotech/core";

/** The owner connection for migrations and seeds: DATABASE_OWNER_URL, else DATABASE_URL as `postgres`. */
export function ownerUrl(config: Pick<Config, "DATABASE_URL" | "DATABASE_OWNER_URL">): string {
  if (config.DATABASE_OWNER_URL) return config.DATABASE_OWNER_URL;
  if (!config.DATABASE_URL) throw new Error("DATABASE_URL or DATABASE_OWNER_URL is required");
  const url = new URL(config.DATABASE_URL);
  url.username = "postgres";
  url.password = "";
  return url.toString();
}

import type { Config } from "@reprotech/core";
import pino from "pino";

/** JSON logs in production; human-readable when a developer runs it in a terminal. */
export function createLogger(config: Pick<Config, "LOG_LEVEL" | "NODE_ENV">, name: string) {
  const pretty = config.NODE_ENV === "development" && process.stdout.isTTY;
  return pino({
    name,
    level: config.LOG_LEVEL,
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "res.headers['set-cookie']"],
      censor: "[redacted]",
    },
    ...(pretty
      ? { transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss.l", ignore: "pid,hostname" } } }
      : {}),
  });
}

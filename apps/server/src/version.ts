import { readFileSync } from "node:fs";
import path from "node:path";

/** The server package's version, read once at start-up from source or bundle alike. */
export const version: string = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../package.json"), "utf8"),
).version;

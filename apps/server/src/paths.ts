import { existsSync } from "node:fs";
import path from "node:path";

/** apps/web/dist relative to this app, from source (src/) or from the bundle (dist/). */
export function defaultWebDist(): string | undefined {
  const candidate = path.resolve(import.meta.dirname, "../../web/dist");
  return existsSync(candidate) ? candidate : undefined;
}

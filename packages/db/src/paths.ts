// Locates the repository's prisma/ folder from wherever this code runs: as TypeScript source
// (packages/db/src) or bundled into an app's dist/. Both sit below the repository root.
import { existsSync } from "node:fs";
import path from "node:path";

function findUp(start: string, relative: string): string {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find ${relative} above ${start}`);
    dir = parent;
  }
}

export const migrationsDir = (): string => findUp(import.meta.dirname, path.join("prisma", "migrations"));

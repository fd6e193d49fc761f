// The bundle shape of the two deployable apps (apps/server, apps/worker): one self-contained ESM file
// with the workspace packages and npm dependencies inlined, so a deployable does not depend on pnpm's
// strict node_modules layout. Packages that load files relative to their own location at run time
// (PGlite's WebAssembly, pino's transport worker) or are native (Argon2) stay external; each app lists
// the ones it uses as direct dependencies.
import { defineConfig } from "tsup";

export function appBundle(keepExternal: string[]) {
  const external = keepExternal.map((name) => name.replace(/[/.]/g, (c) => `\\${c}`)).join("|");
  return defineConfig({
    entry: ["src/main.ts"],
    format: ["esm"],
    platform: "node",
    target: "node24",
    outDir: "dist",
    clean: true,
    sourcemap: true,
    splitting: false,
    noExternal: [new RegExp(`^(?!${external})`)],
    // Bundled CommonJS dependencies call require() for Node built-ins; give ESM one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

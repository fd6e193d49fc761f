import { defineConfig } from "tsup";

// One self-contained ESM bundle (workspace packages and npm dependencies inlined), so the deployable
// does not depend on pnpm's strict node_modules layout. Packages that load files relative to their
// own location at run time (PGlite's WebAssembly, pino's transport worker) or are native (Argon2)
// stay external and are direct dependencies of this app.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  target: "node24",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  splitting: false,
  noExternal: [/^(?!@electric-sql\/pglite|@node-rs\/|pino|thread-stream)/],
  // Bundled CommonJS dependencies call require() for Node built-ins; give ESM one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

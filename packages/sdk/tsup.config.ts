import { defineConfig } from "tsup";

// The CLI ships as one file; types for SDK users come from the TypeScript source.
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  noExternal: [/.*/],
  // Bundled CommonJS dependencies (commander) call require() for Node built-ins; give ESM one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

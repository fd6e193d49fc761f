import { defineConfig } from "tsup";

// Bundled like apps/server (see its tsup.config.ts for why): self-contained, pino external.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  target: "node24",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  splitting: false,
  noExternal: [/^(?!pino|thread-stream)/],
  // Bundled CommonJS dependencies call require() for Node built-ins; give ESM one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

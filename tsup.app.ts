// The bundle shape of the two deployable apps (apps/server, apps/worker): one self-contained ESM file
// with the workspace packages and npm dependencies inlined, so a deployable does not depend on pnpm's
// strict node_modules layout. Packages that load files relative to their own location at run time
// (PGlite's WebAssembly, pino's transport worker) or are native (Argon2) stay external; each app lists
// the ones it uses as direct dependencies.
//
// Worker threads need a file of their own: their entries ship as extra bundles beside main.js, named
// as the code that starts them expects (threadEntry in packages/genomics/src/parallel/thread-entry.ts).
// Paths are relative to the app's folder (apps/<name>), where tsup runs.
import { defineConfig } from "tsup";

const THREAD_ENTRIES = {
  // PARSE_WORKER_BUNDLE (packages/domain/src/genotypes/parse-protocol.ts): the genotype ingest's parser.
  "genotype-parse.worker": "../../packages/domain/src/genotypes/parse-worker.ts",
  // KERNELS_WORKER_BUNDLE (packages/genomics/src/parallel/pool.ts): the KernelPool's kernels.
  "kernels.worker": "../../packages/genomics/src/parallel/kernels.worker.ts",
  // TRAINING_WORKER_BUNDLE (packages/domain/src/gbv/training-thread.ts): the gbv-train job's SNP-BLUP.
  "gbv-train.worker": "../../packages/domain/src/gbv/training-worker.ts",
};

export function appBundle(keepExternal: string[]) {
  const external = keepExternal.map((name) => name.replace(/[/.]/g, (c) => `\\${c}`)).join("|");
  return defineConfig({
    entry: { main: "src/main.ts", ...THREAD_ENTRIES },
    format: ["esm"],
    platform: "node",
    target: "node24",
    outDir: "dist",
    clean: true,
    sourcemap: true,
    // No comments in the bundle: besides their weight, one non-ASCII character in them makes V8 hold
    // the whole ~15 MB source as UTF-16 (measured: ~31 MB of external script source per process).
    // Identifiers stay as written, so stack traces keep their function names; positions map back
    // through main.js.map (node --enable-source-maps).
    minifyWhitespace: true,
    // Licence comments (one names its author with an "ä") go to main.js.LEGAL.txt beside the bundle.
    esbuildOptions(options) {
      options.legalComments = "external";
    },
    splitting: false,
    noExternal: [new RegExp(`^(?!${external})`)],
    // Bundled CommonJS dependencies call require() for Node built-ins; give ESM one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

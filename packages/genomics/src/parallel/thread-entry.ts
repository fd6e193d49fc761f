// Where a worker thread's entry file is, in both ways this code runs:
//  - from TypeScript source (tsx, Vitest): the entry is the .ts file next to the caller, started with
//    the tsx loader unless the process already runs under it (workers inherit execArgv);
//  - bundled by tsup into an app's dist/ (tsup.app.ts): the caller's import.meta.url is the bundle's
//    main.js, the .ts file is not there, and the entry ships as its own bundle `<bundledName>.js`
//    beside main.js (an extra tsup entry).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A tsx loader among the process's own flags: `--import tsx` or a path inside the tsx package. */
const TSX_LOADER = /(^|=)tsx$|[\\/]node_modules[\\/]tsx[\\/]/;

/**
 * The process's flags a thread can take: Worker refuses V8 heap flags in execArgv (apps/worker
 * starts with --max-semi-space-size, see its `start` script), and they apply to every thread already.
 */
function threadExecArgv(): string[] {
  return process.execArgv.filter((a) => !/^--max-(semi|old)-space-size(=|$)/.test(a));
}

function tsxExecArgv(): string[] {
  const inherited = threadExecArgv();
  // Match the loader precisely: other flags may merely contain "tsx" in a path (pnpm store names).
  if (inherited.some((a) => TSX_LOADER.test(a))) return inherited;
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return [...inherited, "--import", loader];
}

export interface ThreadEntry {
  url: URL;
  execArgv: string[];
}

/**
 * The entry to hand `new Worker(entry.url, { execArgv: entry.execArgv })`. `source` is the .ts entry
 * relative to the caller (`new URL("./x.worker.ts", import.meta.url)`); `bundledName` the tsup entry
 * name it is shipped under in a bundle (without `.js`).
 */
export function threadEntry(source: URL, bundledName: string): ThreadEntry {
  if (existsSync(fileURLToPath(source))) return { url: source, execArgv: tsxExecArgv() };
  const bundled = new URL(`./${bundledName}.js`, source);
  if (!existsSync(fileURLToPath(bundled)))
    throw new Error(
      `worker thread entry missing: neither ${fileURLToPath(source)} nor ${fileURLToPath(bundled)} exists (add "${bundledName}" to the app's tsup entries)`,
    );
  return { url: bundled, execArgv: threadExecArgv() };
}

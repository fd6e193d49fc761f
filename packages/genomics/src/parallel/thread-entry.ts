// Where a worker thread's entry file is, in both ways this code runs:
//  - from TypeScript source (tsx, Vitest): the entry is the .ts file next to the caller, started with
//    the tsx loader unless the process already runs under it (a thread inherits its flags);
//  - bundled by tsup into an app's dist/ (tsup.app.ts): the caller's import.meta.url is the bundle's
//    main.js, the .ts file is not there, and the entry ships as its own bundle `<bundledName>.js`
//    beside main.js (an extra tsup entry).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A tsx loader among the process's own flags: `--import tsx` or a path inside the tsx package. */
const TSX_LOADER = /(^|=)tsx$|[\\/]node_modules[\\/]tsx[\\/]/;

/**
 * The thread's execArgv when running from source: undefined (inherit the process's) when it already
 * runs under tsx, else just the tsx loader. Never the process's other flags: Worker refuses V8
 * options in execArgv (apps/worker starts with --max-semi-space-size), and an inherited execArgv
 * carries them to the thread without complaint.
 */
function tsxExecArgv(): string[] | undefined {
  // Match the loader precisely: other flags may merely contain "tsx" in a path (pnpm store names).
  if (process.execArgv.some((a) => TSX_LOADER.test(a))) return undefined;
  return ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
}

export interface ThreadEntry {
  url: URL;
  /** Undefined: the thread inherits the process's flags. */
  execArgv: string[] | undefined;
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
  return { url: bundled, execArgv: undefined };
}

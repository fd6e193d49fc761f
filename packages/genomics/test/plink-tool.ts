// Runs the real PLINK binaries for the interoperability tests. A missing binary fails the test
// with the install command: these tests are the proof that our files are PLINK's files.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES: Record<"plink1.9" | "plink2", string[]> = {
  "plink1.9": ["/usr/bin/plink1.9", "/usr/local/bin/plink1.9", "/usr/bin/plink"],
  plink2: ["/usr/bin/plink2", "/usr/local/bin/plink2"],
};

export function plinkPath(which: "plink1.9" | "plink2"): string {
  for (const p of CANDIDATES[which]) if (existsSync(p)) return p;
  throw new Error(
    `${which} is not installed (looked in ${CANDIDATES[which].join(", ")}); install it with: apt-get install plink1.9 plink2`,
  );
}

export function runPlink(which: "plink1.9" | "plink2", args: string[], cwd: string): string {
  try {
    return execFileSync(plinkPath(which), [...args, "--threads", "1"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${which} ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`, {
      cause: e,
    });
  }
}

export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `genomics-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

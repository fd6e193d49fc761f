// Reporters every Vitest run in the workspace uses: the default console output, plus a JSON report
// under .test-results/ that scripts/test.sh sums into one closing "N passed, N failed" line.
import path from "node:path";

export function reporters(name: string): (string | [string, Record<string, unknown>])[] {
  const dir = path.join(import.meta.dirname, ".test-results");
  return ["default", ["json", { outputFile: path.join(dir, `${name.replaceAll("/", "_")}.json`) }]];
}

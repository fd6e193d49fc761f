// `prisma generate` needs no database and no schema engine, but the CLI insists on finding an
// engine binary; any executable satisfies the check (see docs/architecture.md, environment facts).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const result = spawnSync("prisma", ["generate", "--config", `${root}/prisma.config.ts`], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
  shell: false,
});
process.exit(result.status ?? 1);

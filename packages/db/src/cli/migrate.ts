// `pnpm db:migrate`: applies pending migrations to DATABASE_OWNER_URL (creating the database if
// it does not exist yet).
import { loadConfig } from "@reprotech/core";
import { ensureDatabase } from "../ensure-database";
import { migrate } from "../migrator";
import { migrationsDir } from "../paths";
import { ownerUrl } from "../urls";

const config = loadConfig();
const url = ownerUrl(config);
try {
  await ensureDatabase(url);
  const result = await migrate(url, migrationsDir(), (line) => console.log(line));
  console.log(
    result.applied.length
      ? `${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied`
      : `No pending migrations (${result.alreadyApplied.length} applied)`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

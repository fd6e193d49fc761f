// Prisma CLI configuration. The CLI's schema engine cannot be downloaded on our machines, so
// migrations are applied by packages/db's own migrator; this file serves `prisma generate`
// (and `prisma migrate status/deploy` where the engine exists) with the owner connection.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/reprotech",
  },
});

// One lint setup for the whole repo. Besides the usual TypeScript rules it enforces the
// dependency direction of docs/architecture.md: core <- genomics <- db/cache/auth <- domain <- api <- apps.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

const noApps = {
  group: ["@reprotech/server", "@reprotech/worker", "@reprotech/web", "**/apps/**"],
  message: "packages must not import apps",
};
const noDeep = {
  group: ["@reprotech/*/src/**", "@reprotech/*/*/**"],
  message: "import a package through its public entry, not its files",
};
const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns: [noDeep, ...patterns] }] });
const layer = (names, message) => ({ group: names, message });

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/src/generated/**",
      ".tools/**",
      ".data/**",
      "**/.turbo/**",
      "**/*.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      ...restrict(),
    },
  },
  { files: ["packages/**"], rules: restrict(noApps) },
  {
    files: ["packages/core/**", "packages/genomics/**"],
    rules: restrict(
      noApps,
      layer(
        ["@reprotech/*", "!@reprotech/core", "@prisma/*", "ioredis", "bullmq", "@trpc/*", "fastify", "pg"],
        "core and genomics are the kernel: no database, cache, HTTP or other modules",
      ),
    ),
  },
  {
    files: ["packages/db/**", "packages/cache/**", "packages/auth/**"],
    rules: restrict(
      noApps,
      layer(
        ["@reprotech/domain", "@reprotech/api", "@reprotech/sdk", "@trpc/*", "fastify"],
        "infrastructure packages sit below domain and api",
      ),
    ),
  },
  {
    files: ["packages/domain/**"],
    rules: restrict(
      noApps,
      layer(["@reprotech/api", "@reprotech/sdk", "@trpc/*", "fastify"], "domain services know nothing of tRPC or HTTP"),
    ),
  },
  {
    files: ["packages/api/**"],
    rules: restrict(
      noApps,
      layer(["@reprotech/sdk", "fastify"], "api defines procedures; HTTP wiring lives in apps/server"),
    ),
  },
  {
    files: ["packages/sdk/**", "apps/web/**"],
    rules: restrict(
      noApps,
      layer(
        ["@reprotech/db", "@reprotech/cache", "@reprotech/auth", "@prisma/*", "ioredis", "bullmq", "pg"],
        "browser and SDK code may not reach server internals",
      ),
    ),
  },
  { files: ["apps/web/**"], languageOptions: { globals: { ...globals.browser } } },
);

import { defineConfig } from "vitest/config";
import { reporters } from "../vitest.shared";

// Integration and e2e tests share one freshly created, migrated database per run (global setup),
// dropped at the end, so concurrent runs on one machine never collide.
export default defineConfig({
  test: {
    reporters: reporters(`tests-${process.env.VITEST_REPORT ?? "all"}`),
    projects: [
      {
        test: {
          name: "integration",
          include: ["integration/**/*.test.ts"],
          globalSetup: ["support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Files share the run's database; running them one at a time keeps counts exact.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          globalSetup: ["support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

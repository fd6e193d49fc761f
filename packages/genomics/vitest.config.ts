import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared";

export default defineConfig({
  test: { reporters: reporters("genomics"), include: ["test/**/*.test.ts"], testTimeout: 120_000 },
});

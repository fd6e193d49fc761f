import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared";

export default defineConfig({
  test: { reporters: reporters("cache"), include: ["test/**/*.test.ts"], testTimeout: 20_000 },
});

import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared";

export default defineConfig({ test: { reporters: reporters("domain"), include: ["test/**/*.test.ts"] } });

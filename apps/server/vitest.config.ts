import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared";

// Unit tests of the server's pure parts; the server over HTTP is tested from tests/integration.
export default defineConfig({ test: { reporters: reporters("server"), include: ["test/**/*.test.ts"] } });

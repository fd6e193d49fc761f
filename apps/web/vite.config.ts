// The SPA build. In development Vite proxies API paths to the Fastify server on :3000;
// in production that server serves dist/ itself (hashed files under dist/assets/ are cached as immutable).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared";

const apiTarget = process.env.REPROTECH_API_URL ?? "http://127.0.0.1:3000";
const proxied = ["/trpc", "/api", "/healthz", "/readyz"];

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: apiTarget, changeOrigin: false }])),
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: true,
    target: "es2022",
    rollupOptions: {
      output: {
        // Libraries change less often than our code: separate chunks stay cached across deploys.
        manualChunks(id) {
          if (!id.includes("node_modules")) return undefined;
          if (/node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id)) return "react";
          if (id.includes("@mantine")) return "mantine";
          if (/@tanstack|@trpc|superjson/.test(id)) return "data";
          return "vendor";
        },
      },
    },
  },
  test: {
    reporters: reporters("web"),
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});

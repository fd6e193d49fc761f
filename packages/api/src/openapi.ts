import { generateOpenApiDocument } from "trpc-to-openapi";
import { appRouter } from "./root";

/** The OpenAPI 3 document of every procedure marked with `meta.openapi`, served under /api/v1. */
export function openApiDocument(version: string, baseUrl: string) {
  return generateOpenApiDocument(appRouter, {
    title: "Reprotech API",
    description: "REST access to Reprotech for non-TypeScript clients. TypeScript apps should use @reprotech/sdk.",
    version,
    baseUrl,
  });
}

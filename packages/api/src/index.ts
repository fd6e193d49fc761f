export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from "./root";
export { createContextFactory, type ApiDeps, type Context } from "./context";
export { openApiDocument } from "./openapi";
export { asUnavailable } from "./unavailable";

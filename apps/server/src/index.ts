// For tests and tools that run the HTTP app in-process; production starts from main.ts.
export { buildApp, type AppOptions } from "./app";

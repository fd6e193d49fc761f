// Browser-safe schemas of every module, for the SPA and the SDK.
export * from "./system/schemas";

// Browser-safe schemas of every module, for the SPA and the SDK.
export * from "./system/schemas";
export * from "./customers/schemas";
export * from "./users/schemas";
export * from "./audit/schemas";
export * from "./api-tokens/schemas";

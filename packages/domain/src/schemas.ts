// Browser-safe schemas of every module, for the SPA and the SDK.
export * from "./system/schemas";
export * from "./customers/schemas";
export * from "./users/schemas";
export * from "./audit/schemas";
export * from "./api-tokens/schemas";
export * from "./animals/import/fields";
export * from "./animals/breeds";
export * from "./animals/countries";
export * from "./animals/dates";
export * from "./animals/official-id";
export * from "./animals/inbreeding";
export * from "./animals/schemas";
export * from "./bulls/schemas";

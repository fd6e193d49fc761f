export * from "./config";
export * from "./errors";
export * from "./logger";
export * from "./permissions";
export * from "./password-policy";

// Public surface of the animals module: browser-safe schemas and pure helpers, plus the services.
export * from "./breeds";
export * from "./countries";
export * from "./dates";
export * from "./official-id";
export * from "./inbreeding";
export * from "./schemas";
export * from "./service";

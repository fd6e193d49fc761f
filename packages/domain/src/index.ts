export * from "./schemas";
export * from "./system/heartbeat";
export * from "./system/status";
export * from "./jobs";

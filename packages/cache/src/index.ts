export * from "./cache";
export * from "./keys";
export * from "./pubsub";
export * from "./queues";
export * from "./queue-definitions";
export * from "./rate-limit";
export * from "./redis";
export * from "./runtime";

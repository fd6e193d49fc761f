export * from "./pool";
export * from "./migrator";
export * from "./paths";
export * from "./roles";
export * from "./urls";
export * from "./ensure-database";
export * from "./seed/run";
export type { Seeder, SeedContext, SeedSizes } from "./seed/types";

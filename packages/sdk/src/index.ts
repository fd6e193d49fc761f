export { createReprotechClient, type ReprotechClient, type ReprotechClientOptions } from "./client";
export type { AppRouter, RouterInputs, RouterOutputs } from "@reprotech/api";

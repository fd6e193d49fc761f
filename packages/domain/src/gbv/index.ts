// Genomic evaluations: traits, GBV models (imported or trained), scoring and predictions, reads.
export * from "./cache";
export * from "./model-store";
export * from "./traits";

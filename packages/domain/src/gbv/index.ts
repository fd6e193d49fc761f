// Genomic evaluations: traits, GBV models (imported or trained), scoring and predictions, reads.
export * from "./cache";
export * from "./model-store";
export * from "./traits";
export * from "./phenotypes"; // phenotype upload for training
export * from "./training"; // gbv-train job: SNP-BLUP + k-fold CV → draft model
export * from "./training-progress";
export * from "./genotype-pages";
export { PageBuffers } from "./copy-packed-rows";
export { CopyOut } from "./copy-out";
export * from "./effects-file";
export * from "./effects-import";
export * from "./lifecycle";
export * from "./percentiles";
export * from "./scoring";
export * from "./models";
export * from "./for-animal";
export * from "./selection-index";
export * from "./ranking";
export * from "./distribution";
export * from "./inbreeding";
export * from "./report-data";
export * from "./report";

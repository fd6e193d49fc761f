export * from "./pack";
export * from "./stats/frequencies";
export * from "./stats/hwe";
export * from "./stats/qc";
// Formats, panel, allele coding and simulator (part A).
export * from "./alleles";
export * from "./panel";
export * from "./formats/errors";
export { chunksOf, concatBytes, readAllBytes, readAllText, type ByteSource } from "./formats/bytes";
export * from "./formats/plink-fam";
export * from "./formats/plink-map";
export * from "./formats/plink-bed";
export * from "./simulate/rng";
export * from "./simulate/genome";
export * from "./simulate/traits";
export * from "./simulate/population";

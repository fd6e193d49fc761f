export * from "./blob-store";
export * from "./panel-codec";
export * from "./schemas";
export * from "./service";
export * from "./sniff";
export * from "./ingest";
export * from "./parentage";
export * from "./progress";

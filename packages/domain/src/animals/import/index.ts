export * from "./fields";
export { DEFAULT_IMPORT_MAX_BYTES, readTable, type ImportBytes, type ImportFile, type Table } from "./read";
export {
  commitImport,
  dryRunImport,
  type ImportCounts,
  type ImportIssue,
  type ImportOptions,
  type ImportReport,
} from "./service";

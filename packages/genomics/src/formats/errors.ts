/** What went wrong while reading a genotype file; stable for callers to branch on. */
export type GenotypeFormatErrorCode =
  | "EMPTY"
  | "NO_DATA"
  | "MISSING_COLUMN"
  | "TRUNCATED"
  | "BINARY"
  | "COMPRESSED"
  | "DUPLICATE_SAMPLE"
  | "UNKNOWN_SNP"
  | "BAD_ROW"
  | "BAD_ALLELE"
  | "BAD_HEADER"
  | "NO_GT"
  | "SIZE_MISMATCH";

/** A format error with the 1-based line number (or byte offset for binary files) where it was found. */
export class GenotypeFormatError extends Error {
  readonly code: GenotypeFormatErrorCode;
  readonly line: number | undefined;
  constructor(code: GenotypeFormatErrorCode, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "GenotypeFormatError";
    this.code = code;
    this.line = line;
  }
}

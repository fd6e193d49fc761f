// pg-copy-streams-binary ships no types; this declares the one reader the genotype pages use. It is
// CommonJS exporting one object, imported as the default export.
declare module "pg-copy-streams-binary" {
  import type { Transform } from "node:stream";
  const copyBinary: {
    /** Object-mode transform: COPY … (FORMAT binary) bytes in, one `{ [key]: value }` per row out. */
    rowReader(options: { mapping: { key: string; type: "text" | "bytea" | "int4" }[] }): Transform;
  };
  export default copyBinary;
}

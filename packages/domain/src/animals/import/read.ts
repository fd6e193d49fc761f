// Reading an uploaded file into a table of strings: size limit enforced while streaming (a file
// over the limit is refused after reading limit+1 bytes, never buffered whole), content sniffed
// (a binary file named .csv, an .xlsx that is not a zip), CSV through csv-parse, XLSX through exceljs.
import { AppError } from "@reprotech/core";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";

export const DEFAULT_IMPORT_MAX_BYTES = 50 * 1024 * 1024;

export type ImportFormat = "csv" | "xlsx";

/** Bytes of an upload: a Blob/File (FormData), a web or Node stream, or bytes in memory. */
export type ImportBytes = Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array;

export interface ImportFile {
  name: string;
  data: ImportBytes;
}

export interface TableRow {
  /** The row number the user sees: spreadsheet row, or CSV line (the header is row/line 1). */
  row: number;
  cells: string[];
}

export interface Table {
  format: ImportFormat;
  headers: string[];
  rows: TableRow[];
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

function chunksOf(data: ImportBytes): AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array)
    return (async function* () {
      yield data;
    })();
  if (typeof Blob !== "undefined" && data instanceof Blob) return data.stream() as unknown as AsyncIterable<Uint8Array>;
  return data as AsyncIterable<Uint8Array>;
}

/** Reads at most maxBytes; one byte more and the read stops with PAYLOAD_TOO_LARGE. */
export async function readLimited(data: ImportBytes, maxBytes: number): Promise<Buffer> {
  if (data instanceof Uint8Array || (typeof Blob !== "undefined" && data instanceof Blob)) {
    const size = data instanceof Uint8Array ? data.byteLength : data.size;
    if (size > maxBytes) throw tooLarge(maxBytes);
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  const iterator = chunksOf(data)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      parts.push(value);
    }
  } catch (error) {
    // Stop the producer (request body, file stream) instead of draining it.
    await iterator.return?.().catch(() => {});
    throw error;
  }
  return Buffer.concat(parts, total);
}

function tooLarge(maxBytes: number) {
  return new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the ${mb(maxBytes)} limit`);
}

export function formatOf(name: string, head: Uint8Array): ImportFormat {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === "xlsx") return "xlsx";
  if (ext === "csv" || ext === "txt" || ext === "tsv") return "csv";
  if (ext === "xls")
    throw new AppError("BAD_REQUEST", "Excel 97–2003 .xls files are not supported: save the sheet as .xlsx or CSV");
  if (isZip(head)) return "xlsx";
  if (ext) throw new AppError("BAD_REQUEST", `Unsupported file type .${ext}: upload a .csv or .xlsx file`);
  return "csv";
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export async function readTable(file: ImportFile, maxBytes = DEFAULT_IMPORT_MAX_BYTES): Promise<Table> {
  const bytes = await readLimited(file.data, maxBytes);
  if (bytes.byteLength === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  const format = formatOf(file.name, bytes.subarray(0, 4));
  const grid = format === "csv" ? readCsv(bytes) : await readXlsx(bytes);
  const headerIndex = grid.findIndex((r) => r.cells.some((c) => c !== ""));
  if (headerIndex < 0) throw new AppError("BAD_REQUEST", "The file has no header row (every row is blank)");
  const headerRow = grid[headerIndex]!;
  const headers = headerRow.cells.map((h) => h.trim());
  const rows = grid.slice(headerIndex + 1).filter((r) => r.cells.some((c) => c !== ""));
  if (rows.length === 0) throw new AppError("BAD_REQUEST", "The file has a header row but no data rows");
  return { format, headers, rows };
}

function readCsv(bytes: Buffer): TableRow[] {
  if (isZip(bytes))
    throw new AppError("BAD_REQUEST", "Not a text CSV file: it is a zip archive (an Excel workbook? name it .xlsx)");
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new AppError("BAD_REQUEST", `Not a text CSV file: it contains binary data (a NUL byte at offset ${nul})`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "Not a text CSV file: it is not valid UTF-8 text (save it as “CSV UTF-8”)");
  }
  const delimiter = sniffDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new AppError("BAD_REQUEST", `The CSV cannot be read: ${(error as Error).message}`);
  }
  // info.lines is the line a record ends on; a record starts on the line after the previous one
  // (blank lines are records too, skip_empty_lines is off), which is the line the user sees.
  let previousEnd = 0;
  return records.map(({ record, info }) => {
    const row = { row: previousEnd + 1, cells: record };
    previousEnd = info.lines;
    return row;
  });
}

/** Comma, semicolon (European spreadsheets) or tab: whichever the header line has most of, outside quotes. */
function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, Math.max(0, text.indexOf("\n")) || text.length).replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t"].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ",";
}

async function readXlsx(bytes: Buffer): Promise<TableRow[]> {
  if (!isZip(bytes))
    throw new AppError("BAD_REQUEST", "Not an XLSX file: an .xlsx workbook is a zip archive, this is not");
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new AppError("BAD_REQUEST", `The XLSX workbook cannot be read: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError("BAD_REQUEST", "The workbook has no worksheet");
  const rows: TableRow[] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    rows.push({ row: rowNumber, cells });
  });
  return rows;
}

function pad(n: number, w = 2) {
  return String(n).padStart(w, "0");
}

/** A cell as the text the user sees; dates as YYYY-MM-DD (exceljs gives date cells as UTC Dates). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date)
    return Number.isNaN(value.getTime())
      ? ""
      : `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  if (typeof value === "object") {
    if ("richText" in value)
      return value.richText
        .map((r) => r.text)
        .join("")
        .trim();
    if ("result" in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ("text" in value) return String((value as { text: unknown }).text).trim();
    if ("error" in value) return "";
    return "";
  }
  return String(value).trim();
}

// PLINK export of a selection's genotypes: POST /api/v1/genotypes/export answers with a streamed zip
// (.bed/.bim/.fam or .ped/.map), written to a file here as it arrives, never held in memory.
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { RouterInputs } from "@reprotech/api";
import type { ReprotechClientOptions } from "./client";

export type GenotypeExportInput = RouterInputs["genotypes"]["export"]["download"];

export interface GenotypeExportOptions extends ReprotechClientOptions, GenotypeExportInput {
  /** Where the zip goes; written to `<path>.part` first and renamed once complete. */
  destination: string;
}

export class GenotypeExportError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "GenotypeExportError";
  }
}

/** Streams the export to `destination`; answers with the server's file name and the bytes written. */
export async function exportGenotypes(options: GenotypeExportOptions): Promise<{ fileName: string; bytes: number }> {
  const { url, token, fetch: fetchImpl = globalThis.fetch, destination, ...input } = options;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetchImpl(`${url.replace(/\/+$/, "")}/api/v1/genotypes/export`, {
    method: "POST",
    headers,
    body: JSON.stringify(input),
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    let message = `HTTP ${response.status}`;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new GenotypeExportError(response.status, message);
  }
  const fileName = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "genotypes.zip";
  const partial = `${destination}.part`;
  let bytes = 0;
  const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  source.on("data", (chunk: Uint8Array) => (bytes += chunk.length));
  try {
    await pipeline(source, createWriteStream(partial));
  } catch (error) {
    // A download cut short (the server failed midway) must not look like a complete file.
    await rm(partial, { force: true });
    throw new GenotypeExportError(0, `The export was cut short: ${(error as Error).message}`);
  }
  await rename(partial, destination);
  return { fileName, bytes };
}

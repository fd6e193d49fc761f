// Genotype files go to the streaming route POST /api/v1/genotypes/uploads as application/octet-stream
// (never through tRPC, which reads a multipart body whole): the file is never held in memory on
// either side. Processing is then followed over SSE with genotypes.uploads.progress.
import type { RouterOutputs } from "@reprotech/api";
import type { ReprotechClient, ReprotechClientOptions } from "./client";

export type GenotypeUploadResult = RouterOutputs["genotypes"]["upload"];

export interface GenotypeUploadOptions extends ReprotechClientOptions {
  customerId: string;
  panelId: string;
  /** Shown in the upload list; the format is read from the content. */
  fileName: string;
  idempotencyKey?: string;
  /** The file's bytes, streamed. */
  body: AsyncIterable<Uint8Array>;
  /** The file's size, sent as Content-Length so an oversized file is refused before it is sent. */
  size?: number;
  /** Called as bytes go out (sent so far, size if known). */
  onTransfer?: (sent: number, total: number | undefined) => void;
}

export class GenotypeUploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "GenotypeUploadError";
  }
}

/** Streams a genotype file to the server; answers with the recorded upload (created false for a repeat). */
export async function uploadGenotypeFile(options: GenotypeUploadOptions): Promise<GenotypeUploadResult> {
  const query = new URLSearchParams({
    customerId: options.customerId,
    panelId: options.panelId,
    fileName: options.fileName,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
  const iterator = options.body[Symbol.asyncIterator]();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) return controller.close();
      sent += next.value.length;
      controller.enqueue(next.value);
      options.onTransfer?.(sent, options.size);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const headers: Record<string, string> = { "content-type": "application/octet-stream" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.size !== undefined) headers["content-length"] = String(options.size);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const response = await fetchImpl(`${options.url.replace(/\/+$/, "")}/api/v1/genotypes/uploads?${query}`, {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message = (json as { error?: string } | undefined)?.error ?? `HTTP ${response.status}`;
    throw new GenotypeUploadError(response.status, message);
  }
  return json as GenotypeUploadResult;
}

export type UploadProgressEvent = Parameters<
  NonNullable<Parameters<ReprotechClient["genotypes"]["uploads"]["progress"]["subscribe"]>[1]["onData"]>
>[0];

/** Follows an upload's processing until completed or failed; resolves with the final state. */
export function followUploadProgress(
  client: ReprotechClient,
  input: { customerId: string; uploadId: string },
  onEvent?: (event: UploadProgressEvent) => void,
): Promise<UploadProgressEvent> {
  return new Promise((resolve, reject) => {
    let last: UploadProgressEvent | undefined;
    const subscription = client.genotypes.uploads.progress.subscribe(input, {
      onData(event) {
        last = event;
        onEvent?.(event);
      },
      onError(error) {
        subscription.unsubscribe();
        reject(error);
      },
      onComplete() {
        if (last) resolve(last);
        else reject(new Error("The progress stream ended without a state"));
      },
    });
  });
}

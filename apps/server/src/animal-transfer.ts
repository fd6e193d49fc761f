// Animal import/export over HTTP. GET /api/v1/animals/export?format=csv|xlsx&customerId=…&<animals.list filters>: a streamed
// download. The principal is resolved like any tRPC call (session cookie or bearer token) and the
// rows are written by the animals.export.download procedure, inside its tenant transaction.
import { Transform } from "node:stream";
import { appRouter, type Context } from "@reprotech/api";
import { animalExport } from "@reprotech/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendProcedureError } from "./procedure-error";

/** Room for the multipart envelope and the small fields next to the file. */
const FORM_OVERHEAD = 1024 * 1024;

export function registerAnimalTransfer(
  app: FastifyInstance,
  createContext: (req: FastifyRequest, reply: FastifyReply) => Promise<Context>,
  maxImportMb: number,
  /** GENOTYPE_UPLOAD_MAX_MB: the same guard for genotypes.upload and genotypes.panels.register. */
  maxGenotypeUploadMb = 2048,
): void {
  // tRPC reads a multipart body whole (Request.formData()) before the procedure runs, so an
  // oversized import is refused here from its Content-Length, before a byte of the body is read.
  // Node's HTTP parser never delivers more than Content-Length; a body of unknown length is refused.
  app.addHook("onRequest", async (request, reply) => {
    if (request.method !== "POST") return;
    const limitMb = request.url.startsWith("/trpc/animals.import.")
      ? maxImportMb
      : // Every path of a (batched) call counts: a batch cannot smuggle an upload past the guard.
        /^\/trpc\/(.*,)?genotypes\.(upload|panels\.register)(,|\?|$)/.test(request.url)
        ? maxGenotypeUploadMb
        : undefined;
    if (limitMb === undefined) return;
    const length = Number(request.headers["content-length"]);
    const tooLarge = Number.isFinite(length) && length > limitMb * 1024 * 1024 + FORM_OVERHEAD;
    if (!request.headers["content-length"] || tooLarge) {
      const message = tooLarge
        ? `The file is larger than the ${limitMb} MB limit`
        : "Send the file with a Content-Length (no chunked uploads)";
      const status = tooLarge ? 413 : 411;
      // Shaped like a tRPC error (superjson), so the client shows the message.
      return reply
        .status(status)
        .header("connection", "close")
        .send({
          error: {
            json: {
              message,
              code: tooLarge ? -32013 : -32600,
              data: {
                code: tooLarge ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST",
                httpStatus: status,
                path: request.url.slice(6).split("?")[0],
              },
            },
          },
        });
    }
  });

  app.get("/api/v1/animals/export", async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const input = { ...q, hasGenotype: q.hasGenotype === undefined ? undefined : q.hasGenotype === "true" };
    const format = q.format === "xlsx" ? "xlsx" : "csv";
    let onStart = () => {};
    const started = new Promise<void>((resolve) => (onStart = resolve));
    const body = new Transform({
      transform(chunk, _encoding, callback) {
        onStart();
        callback(null, chunk);
      },
    });
    const ctx = await createContext(request, reply);
    const caller = appRouter.createCaller({ ...ctx, exportSink: body } as Context);
    const done = caller.animals.export.download(input as never);
    try {
      // Errors before the first byte (unauthenticated, out of scope, bad filter) answer as JSON.
      await Promise.race([started, done]);
    } catch (error) {
      return sendProcedureError(request, reply, error, "export failed");
    }
    // After the first byte a failure can only cut the download short.
    done.catch((error: unknown) => {
      request.log.error({ err: error }, "export failed mid-stream");
      body.destroy(error as Error);
    });
    const stamp = new Date().toISOString().slice(0, 10);
    return reply
      .header("content-type", animalExport.EXPORT_CONTENT_TYPE[format])
      .header("content-disposition", `attachment; filename="animals-${stamp}.${format}"`)
      .header("cache-control", "no-store")
      .send(body);
  });
}

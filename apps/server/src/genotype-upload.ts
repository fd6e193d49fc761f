// Streaming genotype upload over HTTP: POST /api/v1/genotypes/uploads.
//
// tRPC's genotypes.upload reads the whole multipart body (Request.formData()) before its procedure
// runs. This route never holds the file: the body streams to the blob store under a staging key while
// it is counted and hashed, and only then is the upload recorded by the same genotypes.upload
// procedure (same permission, tenant scope, idempotency, sniffing, audit and after-COMMIT job), fed
// a file-backed Blob of the staged bytes. When the blob store is this same filesystem store, the
// procedure moves the staged file into place (a rename, no second read, hash or write); otherwise
// (S3) it puts it from the staged file. The staged blob is always removed afterwards, so a failed
// or refused upload leaves nothing behind.
//
// Body: multipart/form-data with the fields customerId, panelId, idempotencyKey? BEFORE the `file`
// part, or `application/octet-stream` with ?customerId=…&panelId=…&fileName=…&idempotencyKey=….
// Query parameters are accepted for multipart too. The principal (session cookie or bearer token),
// the genotypes.upload permission and the customer's scope are checked before a byte of the file is
// read. Size: GENOTYPE_UPLOAD_MAX_MB, refused from Content-Length up front and, for chunked bodies,
// while streaming (413, nothing stored).
import { randomUUID } from "node:crypto";
import { pipeline as connect, Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import multipart from "@fastify/multipart";
import { appRouter, type Context } from "@reprotech/api";
import { genotypeReadAheadQueue } from "@reprotech/cache";
import { genotypes } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { sendProcedureError } from "./procedure-error";
import { uploadBytesReceived } from "./young-gc";

export const GENOTYPE_UPLOAD_ROUTE = "/api/v1/genotypes/uploads";

/** Room for the multipart envelope and the small fields next to the file. */
const FORM_OVERHEAD = 1024 * 1024;

const isUuid = (value: string) => z.uuid().safeParse(value).success;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Passes bytes through and fails the stream once more than `limit` bytes went by; counts them
 * towards the next young collection (young-gc.ts).
 */
function capped(limit: number, limitMb: number): Transform {
  let seen = 0;
  return new Transform({
    highWaterMark: genotypes.BLOB_STREAM_BUFFER,
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      uploadBytesReceived(chunk.length);
      if (seen > limit) callback(new HttpError(413, `The file is larger than the ${limitMb} MB limit`));
      else callback(null, chunk);
    },
  });
}

interface UploadFields {
  customerId?: string | undefined;
  panelId?: string | undefined;
  fileName?: string | undefined;
  idempotencyKey?: string | undefined;
}

function fieldValue(field: unknown): string | undefined {
  const one = Array.isArray(field) ? field[0] : field;
  if (one && typeof one === "object" && "value" in one && typeof one.value === "string") return one.value;
  return undefined;
}

export async function registerGenotypeUpload(
  app: FastifyInstance,
  createContext: (req: FastifyRequest, reply: FastifyReply) => Promise<Context>,
  config: genotypes.BlobConfig & { GENOTYPE_UPLOAD_MAX_MB: number },
): Promise<void> {
  const limitMb = config.GENOTYPE_UPLOAD_MAX_MB;
  const limit = limitMb * 1024 * 1024;
  // Staged on local disk even when blobs go to S3: genotypes.upload takes a File, and only a file on
  // disk backs one without holding the bytes in memory. The procedure then puts it in the blob store.
  const store = genotypes.stagingStoreFromConfig(config);
  const readAhead = genotypes.sameFileStore(genotypes.blobStoreFromConfig(config), store);

  await app.register(async (scope) => {
    // Encapsulated: multipart and the raw octet-stream parser apply to this route only.
    await scope.register(multipart, { limits: { fileSize: limit + 1, files: 1, fields: 10, parts: 12 } });
    scope.addContentTypeParser("application/octet-stream", (_request, _payload, done) => done(null));

    scope.post(GENOTYPE_UPLOAD_ROUTE, async (request, reply) => {
      const fail = (status: number, message: string) => {
        // Past the limit the rest of the body is not read: the connection closes after the answer.
        if (status === 413) reply.header("connection", "close");
        return reply.status(status).send({ error: message, requestId: request.id });
      };
      const length = Number(request.headers["content-length"]);
      if (Number.isFinite(length) && length > limit + FORM_OVERHEAD)
        return fail(413, `The file is larger than the ${limitMb} MB limit`);

      const query = request.query as Record<string, string | undefined>;
      const fields: UploadFields = {
        customerId: query.customerId,
        panelId: query.panelId,
        fileName: query.fileName,
        idempotencyKey: query.idempotencyKey,
      };
      let source: Readable;
      let truncated = () => false;
      if (request.isMultipart()) {
        const part = await request.file();
        if (!part) return fail(400, "Attach the genotype file as the form field `file`");
        if (part.fieldname !== "file") return fail(400, "Attach the genotype file as the form field `file`");
        fields.customerId ??= fieldValue(part.fields.customerId);
        fields.panelId ??= fieldValue(part.fields.panelId);
        fields.idempotencyKey ??= fieldValue(part.fields.idempotencyKey);
        fields.fileName ??= part.filename;
        source = part.file;
        truncated = () => part.file.truncated;
      } else if (request.headers["content-type"]?.startsWith("application/octet-stream")) {
        source = request.raw;
      } else {
        return fail(415, "Send multipart/form-data (fields before `file`) or application/octet-stream");
      }

      const ctx = await createContext(request, reply);
      // The upload's id, chosen now so the read-ahead job can follow the spool and wait for that row.
      const uploadId = randomUUID();
      const stagingKey = `upload-staging/${uploadId}`;
      let staged = false;
      // The answer is sent only after the staged copy is gone (finally), so a client that has its
      // answer never finds a staging file left behind.
      let answer: (() => FastifyReply) | undefined;
      try {
        // Before a byte of the file is read: signed in, allowed to upload, the customer within reach
        // (out of reach answers NOT_FOUND, like every tenant procedure).
        if (!ctx.principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
        if (!ctx.principal.permissions.includes("genotypes.upload"))
          throw new TRPCError({
            code: "FORBIDDEN",
            message: "You do not have permission to do this (genotypes.upload)",
          });
        if (!fields.customerId) throw new HttpError(400, "customerId is required");
        // (A token that may upload but not read is checked by genotypes.upload itself, after the body.)
        if (ctx.principal.permissions.includes("genotypes.read"))
          await appRouter.createCaller(ctx).genotypes.uploads.list({ customerId: fields.customerId, limit: 1 });

        // Parsing starts as the body arrives (domain genotypes/read-ahead.ts) when the worker can read
        // the spool: the blob store is this filesystem. Best effort, and the body never waits for it:
        // without it the ingest job parses.
        const { customerId, panelId } = fields;
        const startReadAhead = () => {
          if (!readAhead || !panelId || !isUuid(panelId)) return;
          const payload = { uploadId, customerId, panelId, spoolKey: stagingKey };
          void ctx.runtime.queues
            .add(genotypeReadAheadQueue, payload, { jobId: uploadId })
            .catch((error: unknown) => request.log.error({ err: error }, "read-ahead enqueue failed"));
        };

        staged = true;
        // Connected by pipeline, not pipe: a body the client breaks off must fail the spool (and
        // delete it), where pipe would leave it waiting for the rest forever.
        const body = connect(source, capped(limit, limitMb), () => {});
        const stored = await store.spool(stagingKey, body, { created: startReadAhead });
        if (truncated() || stored.bytes > limit)
          throw new HttpError(413, `The file is larger than the ${limitMb} MB limit`);

        const file = new File([await store.openAsBlob(stagingKey)], fields.fileName ?? "upload");
        const form = new FormData();
        form.set("customerId", fields.customerId);
        form.set("panelId", fields.panelId ?? "");
        if (fields.idempotencyKey) form.set("idempotencyKey", fields.idempotencyKey);
        form.set("file", file);
        // The staged file, measured, goes along: on this same filesystem store the procedure moves it
        // into place instead of reading and writing it again (S3: one streamed put, as before).
        // (Read by genotypes.upload as StagedUploadHint.)
        const stagedUpload: genotypes.StagedBlob = { store, key: stagingKey, uploadId, ...stored };
        const result = await appRouter.createCaller({ ...ctx, stagedUpload } as Context).genotypes.upload(form);
        if (result.upload.sha256 !== stored.sha256 && result.created)
          request.log.error({ uploadId: result.upload.id }, "staged and stored genotype file differ");
        answer = () => reply.status(result.created ? 201 : 200).send(result);
      } catch (error) {
        // A refusal under the limit reads the (capped) rest of the body, so the client sees the answer.
        if (!(error instanceof HttpError && error.status === 413) && !source.destroyed)
          await pipeline(source, capped(limit, limitMb), new Writable({ write: (_c, _e, done) => done() })).catch(
            () => {},
          );
        answer =
          error instanceof HttpError
            ? () => fail(error.status, error.message)
            : () => sendProcedureError(request, reply, error, "genotype upload failed");
      } finally {
        // Gone already when it was moved into place (deleting a missing blob is no error).
        if (staged) await store.delete(stagingKey).catch(() => {});
      }
      return answer();
    });
  });
}

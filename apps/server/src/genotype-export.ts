// PLINK export of a selection's genotypes over HTTP: a streamed zip (.bed/.bim/.fam or .ped/.map).
//
//   POST /api/v1/genotypes/export   JSON { animalIds: [...], format?: "bed"|"ped", panelId?, customerId?, skipMissing? }
//   GET  /api/v1/genotypes/export?animalIds=<id>,<id>…&format=…&panelId=…&customerId=…&skipMissing=true
//
// POST is the one for real selections (up to 20,000 ids do not fit in a URL); GET serves short ones
// and links. The principal is resolved like any tRPC call (session cookie or bearer token; a
// cookie-authenticated POST needs an allowed Origin) and the files are written by the
// genotypes.export.download procedure (genotypes.read, customer scope, audit). Errors found before
// the first byte (unauthenticated, out of scope, unknown animals, no genotype, mixed panels, too many
// ids) answer as JSON with their status; a failure after it cuts the download short.
import { Transform } from "node:stream";
import { appRouter, type Context } from "@reprotech/api";
import { genotypes } from "@reprotech/domain";
import type { TRPCError } from "@trpc/server";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendProcedureError } from "./procedure-error";

export const GENOTYPE_EXPORT_ROUTE = "/api/v1/genotypes/export";

/** GET's query string as the procedure's input: ids comma-separated (or repeated), flags as text. */
function inputFromQuery(q: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const ids = [q.animalIds ?? []]
    .flat()
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  const skip = one(q.skipMissing);
  return {
    animalIds: ids,
    format: one(q.format),
    panelId: one(q.panelId),
    customerId: one(q.customerId),
    skipMissing: skip === undefined ? undefined : skip === "true" || skip === "1",
  };
}

/** A refused input (zod) as its issues in words, not tRPC's JSON dump of them. */
function messageOf(e: TRPCError): string {
  const issues = (e.cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined)?.issues;
  if (!Array.isArray(issues)) return e.message;
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
}

export function registerGenotypeExport(
  app: FastifyInstance,
  createContext: (req: FastifyRequest, reply: FastifyReply) => Promise<Context>,
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const input =
      request.method === "GET"
        ? inputFromQuery(request.query as Record<string, string | string[] | undefined>)
        : (request.body ?? {});
    let fileName = "genotypes.zip";
    let onStart = () => {};
    const started = new Promise<void>((resolve) => (onStart = resolve));
    const body = new Transform({
      transform(chunk, _encoding, callback) {
        onStart();
        callback(null, chunk);
      },
    });
    const ctx = await createContext(request, reply);
    const caller = appRouter.createCaller({
      ...ctx,
      exportSink: body,
      onExportStart: (name: string) => (fileName = name),
    } as Context);
    const done = caller.genotypes.export.download(input as never);
    try {
      await Promise.race([started, done]);
    } catch (error) {
      return sendProcedureError(request, reply, error, "genotype export failed", messageOf);
    }
    done.catch((error: unknown) => {
      request.log.error({ err: error }, "genotype export failed mid-stream");
      body.destroy(error as Error);
    });
    return reply
      .header("content-type", genotypes.GENOTYPE_EXPORT_CONTENT_TYPE)
      .header("content-disposition", `attachment; filename="${fileName}"`)
      .header("cache-control", "no-store")
      .send(body);
  };
  app.get(GENOTYPE_EXPORT_ROUTE, handler);
  app.post(GENOTYPE_EXPORT_ROUTE, handler);
}

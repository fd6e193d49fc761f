// GBV downloads over HTTP, with the same credentials as tRPC (session cookie or bearer token), through
// the procedures and their tenant transaction:
// - GET /api/v1/gbv/reports/:animalId[?customerId=] — the animal's genomic report PDF (gbv.reports.download:
//   the stored PDF for unchanged inputs, else regenerated; audited). Another farm's animal → 404.
// - GET /api/v1/gbv/ranking/export?<gbv.ranking parameters> — the ranking as CSV (the SPA's export
//   button), written row by row to the response.
import { Readable } from "node:stream";
import { appRouter, type Context } from "@reprotech/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendProcedureError } from "./procedure-error";

type ReportFile = { stream: Readable; info: { byteSize: number; sha256: string; fileName: string } };

/** Query-string values as the procedure's input: numbers where the ranking input takes numbers. */
function rankingInputOf(q: Record<string, string | undefined>) {
  const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));
  return { ...q, limit: num(q.limit), minReliability: num(q.minReliability) };
}

const CSV_COLUMNS = [
  "rank",
  "officialId",
  "name",
  "herdTag",
  "breed",
  "sex",
  "birthDate",
  "status",
  "value",
  "reliability",
  "percentileBreed",
  "percentileCustomer",
  "customerId",
  "animalId",
] as const;

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function registerGbvDownloads(
  app: FastifyInstance,
  createContext: (req: FastifyRequest, reply: FastifyReply) => Promise<Context>,
): void {
  app.get("/api/v1/gbv/reports/:animalId", async (request, reply) => {
    const { animalId } = request.params as { animalId: string };
    const { customerId } = request.query as { customerId?: string };
    const handed: { file?: ReportFile } = {};
    const ctx = await createContext(request, reply);
    const caller = appRouter.createCaller({ ...ctx, reportSink: (f: ReportFile) => (handed.file = f) } as Context);
    try {
      await caller.gbv.reports.download({ animalId, customerId });
    } catch (error) {
      // The stream was opened, then the call failed (its audit or COMMIT): close the file.
      handed.file?.stream.destroy();
      return sendProcedureError(request, reply, error, "gbv download failed");
    }
    const { file } = handed;
    if (!file)
      return sendProcedureError(
        request,
        reply,
        new Error("the report procedure handed over no file"),
        "gbv download failed",
      );
    return reply
      .header("content-type", "application/pdf")
      .header("content-length", String(file.info.byteSize))
      .header("content-disposition", `attachment; filename="${file.info.fileName}"`)
      .header("x-content-sha256", file.info.sha256)
      .header("cache-control", "private, no-store")
      .send(file.stream);
  });

  app.get("/api/v1/gbv/ranking/export", async (request, reply) => {
    const ctx = await createContext(request, reply);
    const caller = appRouter.createCaller(ctx);
    let ranking: Awaited<ReturnType<typeof caller.gbv.ranking>>;
    try {
      ranking = await caller.gbv.ranking(rankingInputOf(request.query as Record<string, string>) as never);
    } catch (error) {
      return sendProcedureError(request, reply, error, "gbv download failed");
    }
    const label = ranking.by.kind === "trait" ? ranking.by.code : ranking.by.name;
    const rows = ranking.rows;
    const body = Readable.from(
      (function* () {
        yield `${CSV_COLUMNS.join(",")}\r\n`;
        for (const row of rows) yield `${CSV_COLUMNS.map((c) => csvCell(row[c])).join(",")}\r\n`;
      })(),
    );
    const stamp = new Date().toISOString().slice(0, 10);
    return reply
      .header("content-type", "text/csv; charset=utf-8")
      .header(
        "content-disposition",
        `attachment; filename="ranking-${label.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 60)}-${stamp}.csv"`,
      )
      .header("cache-control", "no-store")
      .send(body);
  });
}

// animals.export.download: the whole filtered list (animals.list's filters) as CSV or XLSX, written
// to a stream the HTTP route supplies in the context (GET /api/v1/animals/export, apps/server), so
// the rows come through the procedure ladder and its one tenant transaction (RLS) while they stream.
// Called without that stream (plain /trpc), it refuses.
import { animalExport } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import type { Writable } from "node:stream";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";

/** What the download route adds to the context. */
export interface ExportSink {
  exportSink?: Writable;
}

export const animalExportRouter = router({
  download: tenantProcedure("animals.read")
    .input(animalExport.exportAnimalsInput)
    .output(z.object({ animals: z.number().int() }))
    .query(async ({ ctx, input }) => {
      const out = (ctx as ExportSink).exportSink;
      if (!out)
        throw new TRPCError({ code: "BAD_REQUEST", message: "Download exports from GET /api/v1/animals/export" });
      return { animals: await animalExport.exportAnimals(ctx.db, ctx.customerIds, input, out) };
    }),
});

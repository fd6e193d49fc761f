// gbv.reports.download (gbv.read): the animal's genomic report for its current inputs — the stored
// PDF when they are unchanged, else rendered and stored (packages/domain/src/gbv/report.ts). Audited.
// The PDF's bytes go to the `reportSink` the REST route GET /api/v1/gbv/reports/:animalId
// (apps/server/src/gbv-report.ts) puts in the context; called over /trpc it answers the report's
// description only (the SPA then downloads from the REST route). NOT_FOUND for an animal outside the
// caller's scope. Read-only roles (researchers) get the report without it being stored.
import type { Readable } from "node:stream";
import { isReadOnly } from "@reprotech/core";
import { gbv, genotypes } from "@reprotech/domain";
import { router, tenantProcedure } from "../../trpc";

/** What the download route adds to the context: receives the PDF stream once the report is ready. */
export interface ReportSink {
  reportSink?: (file: { stream: Readable; info: gbv.ReportInfo }) => void;
}

export const reportsRouter = router({
  download: tenantProcedure("gbv.read")
    .input(gbv.reportInput)
    .output(gbv.reportInfoSchema)
    .query(async ({ ctx, input }) => {
      const store = genotypes.blobStoreFromConfig(ctx.config);
      const { info, open } = await gbv.ensureReport(ctx.db, store, input, {
        persist: !isReadOnly(ctx.principal.role),
      });
      await ctx.audit({
        customerId: info.customerId,
        targetType: "animal",
        targetId: info.animalId,
        detail: `genomic report ${info.inputsHash} (${info.generated ? "generated" : "stored"})`,
      });
      const sink = (ctx as ReportSink).reportSink;
      if (sink) sink({ stream: await open(), info });
      return info;
    }),
});

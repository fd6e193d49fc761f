// genotypes.export.download (genotypes.read): a selection's genotypes as PLINK files in one zip,
// written to the stream the HTTP route supplies in the context (POST/GET /api/v1/genotypes/export,
// apps/server/src/genotype-export.ts); called without it (plain /trpc) it refuses.
//
// A scopedProcedure, not a tenantProcedure: an export of thousands of animals outlives the tenant
// transaction's timeout, so the customer scope is checked as for every tenant call, then the plan and
// its audit records commit in one short tenant transaction and the genotypes are read in pages, each
// in its own short tenant transaction of the same scope.
import { appendAudit, withTenant } from "@reprotech/db";
import { genotypes } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { scopedProcedure, who } from "../../trpc";
import type { ExportSink } from "../animals/export";

/** What the download route adds to the context. */
export interface GenotypeExportSink extends ExportSink {
  /** Called once the export is planned, before the first byte: the zip's file name. */
  onExportStart?: (fileName: string) => void;
}

const PATH = "genotypes.export.download";

export const genotypeExportDownload = scopedProcedure("genotypes.read")
  .input(genotypes.genotypeExportInput)
  .output(
    z.object({
      animals: z.number().int(),
      panelId: z.uuid(),
      bytes: z.number().int(),
      skipped: z.object({ notFound: z.array(z.string()), withoutGenotype: z.array(z.string()) }),
    }),
  )
  .query(async ({ ctx, input }) => {
    const sink = ctx as unknown as GenotypeExportSink;
    const out = sink.exportSink;
    if (!out) throw new TRPCError({ code: "BAD_REQUEST", message: "Download exports from /api/v1/genotypes/export" });
    const { scope } = ctx;

    const plan = await withTenant(ctx.db, scope, async (tx) => {
      const planned = await genotypes.planGenotypeExport(tx, scope.customerIds, input);
      // One record per farm whose genotypes leave, so each farm's audit view shows the export.
      for (const customerId of planned.customerIds) {
        const count = planned.samples.filter((s) => s.customerId === customerId).length;
        await appendAudit(tx, {
          ...who(ctx),
          action: PATH,
          result: "ok",
          customerId,
          targetType: "snp_panel",
          targetId: planned.panel.id,
          detail: `PLINK ${planned.format} export of ${count} of ${planned.samples.length} animals on panel ${planned.panel.name} ${planned.panel.version}`,
        });
      }
      return planned;
    });
    sink.onExportStart?.(genotypes.genotypeExportFileName(plan));
    const { bytes } = await genotypes.writeGenotypeExport(ctx.db, scope, plan, out);
    return { animals: plan.samples.length, panelId: plan.panel.id, bytes, skipped: plan.skipped };
  });

// genotypes.export.download (genotypes.read): a selection's genotypes as PLINK files in one zip,
// written to the stream the HTTP route supplies in the context (POST/GET /api/v1/genotypes/export,
// apps/server/src/genotype-export.ts); called without it (plain /trpc) it refuses.
//
// Not a tenantProcedure: an export of thousands of animals outlives the tenant transaction's timeout,
// so the customer scope is checked the way tenantProcedure does (out of reach → NOT_FOUND, denial
// audited), then the plan and its audit records commit in one short tenant transaction and the
// genotypes are read in pages, each in its own short tenant transaction of the same scope.
import type { Principal } from "@reprotech/auth";
import { appendAudit, withSystem, withTenant } from "@reprotech/db";
import { genotypes } from "@reprotech/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { permission, reachableCustomers } from "../../trpc";
import type { ExportSink } from "../animals/export";

/** What the download route adds to the context. */
export interface GenotypeExportSink extends ExportSink {
  /** Called once the export is planned, before the first byte: the zip's file name. */
  onExportStart?: (fileName: string) => void;
}

const PATH = "genotypes.export.download";

export const genotypeExportDownload = permission("genotypes.read")
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
    const principal = ctx.principal as Principal;
    const who = {
      userId: principal.userId,
      apiTokenId: principal.apiTokenId ?? null,
      ip: ctx.request.ip,
      userAgent: ctx.request.userAgent,
    };
    const reach = await reachableCustomers(ctx, principal);
    if (input.customerId && reach !== "all" && !reach.includes(input.customerId)) {
      await withSystem(ctx.db, (tx) =>
        appendAudit(tx, {
          ...who,
          action: PATH,
          result: "denied",
          detail: "customer outside the caller's scope",
          customerId: input.customerId,
        }),
      ).catch((error: unknown) => ctx.log.error({ err: error }, "could not audit a denial"));
      throw new TRPCError({ code: "NOT_FOUND", message: "Customer not found" });
    }
    const scope = { customerIds: input.customerId ? [input.customerId] : reach, userId: principal.userId };

    const plan = await withTenant(ctx.db, scope, async (tx) => {
      const planned = await genotypes.planGenotypeExport(tx, scope.customerIds, input);
      // One record per farm whose genotypes leave, so each farm's audit view shows the export.
      for (const customerId of planned.customerIds) {
        const count = planned.samples.filter((s) => s.customerId === customerId).length;
        await appendAudit(tx, {
          ...who,
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

// animals.import.dryRun / animals.import.commit: a CSV or XLSX file as multipart FormData
// { customerId, file, mapping? (JSON: header → field or null) }. tRPC v11 hands a multipart body to
// the procedure as a FormData (the tenant middleware reads customerId from it); zod validates the
// fields. The dry run validates every row; the commit writes all or nothing, in the call's one
// tenant transaction. No progress channel: 10,000 rows validate and write in a few seconds, and the
// answer carries the counts.
import { animalImport, columnMappingSchema, importReportSchema } from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";
import { animalExportRouter } from "./export";
import { invalidateAfterCommit } from "./invalidate";

const mappingField = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined || s.trim() === "") return undefined;
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: 'mapping must be JSON: { "file header": "field" | null }' });
      return z.NEVER;
    }
  })
  .pipe(columnMappingSchema.optional());

const fields = z.object({
  customerId: z.uuid(),
  file: z.file({ error: "Attach the CSV or XLSX file as the form field `file`" }),
  mapping: mappingField,
});

/** FormData → its fields (a field given twice is refused rather than guessed). */
export const importFormInput = z
  .instanceof(FormData, { error: "Send multipart/form-data with customerId, file and mapping" })
  .transform((form, ctx) => {
    const out: Record<string, File | string> = {};
    for (const key of ["customerId", "file", "mapping"]) {
      const all = form.getAll(key);
      if (all.length > 1) ctx.addIssue({ code: "custom", path: [key], message: `${key} given ${all.length} times` });
      if (all[0] !== undefined) out[key] = all[0];
    }
    return out;
  })
  .pipe(fields);

export type ImportFormInput = z.input<typeof importFormInput>;

/** The upload limit in bytes (ANIMAL_IMPORT_MAX_MB). */
export const importMaxBytes = (config: { ANIMAL_IMPORT_MAX_MB?: number }) =>
  config.ANIMAL_IMPORT_MAX_MB ? config.ANIMAL_IMPORT_MAX_MB * 1024 * 1024 : animalImport.DEFAULT_IMPORT_MAX_BYTES;

export const animalImportRouter = router({
  /** Validates every row and reports every problem; writes nothing. */
  dryRun: tenantProcedure("animals.write")
    .input(importFormInput)
    .output(importReportSchema)
    .mutation(({ ctx, input }) =>
      animalImport.dryRunImport(
        ctx.db,
        input.customerId,
        { name: input.file.name, data: input.file },
        { mapping: input.mapping, maxBytes: importMaxBytes(ctx.config) },
      ),
    ),

  /** The same validation; writes only when there is no error (one transaction: all or nothing). */
  commit: tenantProcedure("animals.write")
    .input(importFormInput)
    .output(importReportSchema)
    .mutation(async ({ ctx, input }) => {
      const report = await animalImport.commitImport(
        ctx.db,
        input.customerId,
        { name: input.file.name, data: input.file },
        { mapping: input.mapping, maxBytes: importMaxBytes(ctx.config) },
      );
      if (report.committed) {
        invalidateAfterCommit(ctx, [input.customerId]);
        await ctx.audit({
          targetType: "animal",
          detail: `import of ${input.file.name}: ${report.counts.created} created, ${report.counts.updated} updated, ${report.counts.unchanged} unchanged`,
          after: { file: input.file.name, size: input.file.size, ...report.counts },
        });
      }
      return report;
    }),
});

/** Mounted by the animals router: animals.import.* and animals.export.*. */
export const animalTransferRouters = { import: animalImportRouter, export: animalExportRouter };

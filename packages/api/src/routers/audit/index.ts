import { audit, auditEntrySchema, listAuditInput } from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";

export const auditRouter = router({
  list: tenantProcedure("audit.read")
    .input(listAuditInput)
    .output(z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => audit.listAudit(ctx.db, input)),
});

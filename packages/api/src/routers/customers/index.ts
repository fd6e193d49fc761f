import { invalidateUserSessions } from "@reprotech/auth";
import {
  createCustomerInput,
  customers,
  customerSchema,
  invalidateConsenting,
  listCustomersInput,
  setCustomerStatusInput,
  updateCustomerInput,
} from "@reprotech/domain";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc";

const page = z.object({ items: z.array(customerSchema), nextCursor: z.uuid().nullable() });

export const customersRouter = router({
  list: tenantProcedure("customers.read")
    .input(listCustomersInput)
    .output(page)
    .query(({ ctx, input }) => customers.listCustomers(ctx.db, ctx.customerIds, input)),

  get: tenantProcedure("customers.read")
    .input(z.object({ customerId: z.uuid() }))
    .output(customerSchema)
    .query(({ ctx, input }) => customers.getCustomer(ctx.db, input.customerId)),

  create: tenantProcedure("customers.manage")
    .input(createCustomerInput)
    .output(customerSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await customers.createCustomer(ctx.db, input);
      await ctx.audit({ customerId: created.id, targetType: "customer", targetId: created.id, after: created });
      ctx.afterCommit(() => invalidateConsenting(ctx.runtime.cache));
      return created;
    }),

  update: tenantProcedure("customers.manage")
    .input(updateCustomerInput)
    .output(customerSchema)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await customers.updateCustomer(ctx.db, input);
      await ctx.audit({ targetType: "customer", targetId: after.id, before, after });
      ctx.afterCommit(() => invalidateConsenting(ctx.runtime.cache));
      return after;
    }),

  /** Suspending keeps the data and ends every session of the customer's users at once. */
  setStatus: tenantProcedure("customers.manage")
    .input(setCustomerStatusInput)
    .output(customerSchema)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await customers.setCustomerStatus(ctx.db, input.customerId, input.status);
      await ctx.audit({ targetType: "customer", targetId: after.id, before, after });
      if (input.status === "suspended") {
        const farmUsers = await ctx.db.user.findMany({ where: { customerId: input.customerId }, select: { id: true } });
        for (const u of farmUsers) await invalidateUserSessions(ctx.auth, u.id, ctx.db);
      }
      ctx.afterCommit(() => invalidateConsenting(ctx.runtime.cache));
      return after;
    }),
});

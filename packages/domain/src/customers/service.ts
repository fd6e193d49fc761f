// Customer records. Every function takes the caller's tenant transaction; row-level security limits
// what it can see, and the explicit filters below say the same thing a second time.
import { keys, type Cache } from "@reprotech/cache";
import { AppError, notFound } from "@reprotech/core";
import { withSystem, type PrismaClient, type Tx } from "@reprotech/db";
import type { z } from "zod";
import {
  TIER_FEATURES,
  type CustomerView,
  type createCustomerInput,
  type listCustomersInput,
  type updateCustomerInput,
} from "./schemas";

type Row = Omit<CustomerView, "features">;

export const toCustomerView = (row: Row): CustomerView => ({ ...row, features: [...TIER_FEATURES[row.tier]] });

const SELECT = {
  id: true,
  name: true,
  tier: true,
  maxAnimals: true,
  researchConsent: true,
  status: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function listCustomers(
  tx: Tx,
  scope: "all" | readonly string[],
  input: z.infer<typeof listCustomersInput>,
) {
  const rows = await tx.customer.findMany({
    where: {
      ...(scope === "all" ? {} : { id: { in: [...scope] } }),
      ...(input.search ? { name: { contains: input.search, mode: "insensitive" as const } } : {}),
      ...(input.status ? { status: input.status } : {}),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: SELECT,
  });
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  return { items: page.map(toCustomerView), nextCursor: more ? page.at(-1)!.id : null };
}

export async function getCustomer(tx: Tx, customerId: string): Promise<CustomerView> {
  const row = await tx.customer.findUnique({ where: { id: customerId }, select: SELECT });
  if (!row) throw notFound("Customer");
  return toCustomerView(row);
}

export async function createCustomer(tx: Tx, input: z.infer<typeof createCustomerInput>): Promise<CustomerView> {
  const existing = await tx.customer.findFirst({
    where: { name: { equals: input.name, mode: "insensitive" } },
    select: { id: true },
  });
  if (existing) throw new AppError("CONFLICT", `A customer named "${input.name}" already exists`);
  return toCustomerView(await tx.customer.create({ data: input, select: SELECT }));
}

export async function updateCustomer(
  tx: Tx,
  input: z.infer<typeof updateCustomerInput>,
): Promise<{ before: CustomerView; after: CustomerView }> {
  const before = await getCustomer(tx, input.customerId);
  if (input.name && input.name.toLowerCase() !== before.name.toLowerCase()) {
    const clash = await tx.customer.findFirst({
      where: { name: { equals: input.name, mode: "insensitive" } },
      select: { id: true },
    });
    if (clash) throw new AppError("CONFLICT", `A customer named "${input.name}" already exists`);
  }
  const { customerId, ...data } = input;
  const after = toCustomerView(await tx.customer.update({ where: { id: customerId }, data, select: SELECT }));
  return { before, after };
}

export async function setCustomerStatus(tx: Tx, customerId: string, status: "active" | "suspended") {
  const before = await getCustomer(tx, customerId);
  const after = toCustomerView(
    await tx.customer.update({ where: { id: customerId }, data: { status }, select: SELECT }),
  );
  return { before, after };
}

const CONSENTING_TTL_SECONDS = 60;
const CONSENTING_NS = keys.global("customers", "consenting");

/** Customers whose anonymised data may join reference populations: the researchers' scope. */
export function consentingCustomerIds(db: PrismaClient, cache: Cache): Promise<string[]> {
  return cache.getOrLoad(CONSENTING_NS, "ids", CONSENTING_TTL_SECONDS, () =>
    withSystem(db, async (tx) =>
      (await tx.customer.findMany({ where: { researchConsent: true, status: "active" }, select: { id: true } })).map(
        (c) => c.id,
      ),
    ),
  );
}

/** Called after any change to a customer's consent or status. */
export const invalidateConsenting = (cache: Cache) => cache.invalidate(CONSENTING_NS);

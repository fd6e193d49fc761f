// Browser-safe schemas of the customers module.
import { z } from "zod";

export const TIERS = ["basic", "professional", "enterprise"] as const;
export const tierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof tierSchema>;

/** What each subscription tier unlocks. */
export const TIER_FEATURES: Record<Tier, readonly string[]> = {
  basic: ["animals", "breeding"],
  professional: ["animals", "breeding", "genomics", "gbv"],
  enterprise: ["animals", "breeding", "genomics", "gbv", "analytics", "api"],
};

export const customerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  tier: tierSchema,
  features: z.array(z.string()),
  maxAnimals: z.number().int(),
  researchConsent: z.boolean(),
  status: z.enum(["active", "suspended"]),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type CustomerView = z.infer<typeof customerSchema>;

const name = z.string().trim().min(2, "Name must be at least 2 characters").max(200);

export const createCustomerInput = z.object({
  name,
  tier: tierSchema.default("basic"),
  maxAnimals: z.number().int().min(1).max(1_000_000).default(1000),
  researchConsent: z.boolean().default(false),
});

export const updateCustomerInput = z.object({
  customerId: z.uuid(),
  name: name.optional(),
  tier: tierSchema.optional(),
  maxAnimals: z.number().int().min(1).max(1_000_000).optional(),
  researchConsent: z.boolean().optional(),
});

export const setCustomerStatusInput = z.object({ customerId: z.uuid(), status: z.enum(["active", "suspended"]) });

export const listCustomersInput = z
  .object({
    search: z.string().trim().max(100).optional(),
    status: z.enum(["active", "suspended"]).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.uuid().optional(),
  })
  .default({ limit: 100 });

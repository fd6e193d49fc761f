// Browser-safe schemas of the system module (the SPA and SDK may import these).
import { z } from "zod";

export const serviceCheckSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  detail: z.string().nullable(),
});

export const statusSchema = z.object({
  service: z.literal("reprotech"),
  version: z.string(),
  time: z.iso.datetime(),
  uptimeSeconds: z.number().int(),
  mode: z.object({ database: z.enum(["postgres", "embedded"]), redis: z.enum(["redis", "in-process"]) }),
  database: serviceCheckSchema.extend({ pendingMigrations: z.array(z.string()) }),
  redis: serviceCheckSchema,
  worker: z.object({ lastHeartbeatAt: z.iso.datetime().nullable(), workerId: z.string().nullable() }),
});
export type Status = z.infer<typeof statusSchema>;

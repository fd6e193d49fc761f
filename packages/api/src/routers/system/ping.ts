import { z } from "zod";
import { publicProcedure } from "../../trpc";

/** Cheapest possible round trip: lets clients check reachability without touching any dependency. */
export const ping = publicProcedure
  .meta({ openapi: { method: "GET", path: "/ping", tags: ["system"], summary: "Reachability check" } })
  .input(z.void())
  .output(z.object({ pong: z.literal(true) }))
  .query(() => ({ pong: true as const }));

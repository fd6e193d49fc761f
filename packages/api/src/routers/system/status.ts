import { readStatus, statusSchema } from "@reprotech/domain";
import { z } from "zod";
import { publicProcedure } from "../../trpc";

export const status = publicProcedure
  .meta({
    openapi: { method: "GET", path: "/status", tags: ["system"], summary: "Service status and dependency health" },
  })
  .input(z.void())
  .output(statusSchema)
  .query(({ ctx }) => readStatus(ctx));

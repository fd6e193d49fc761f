import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { animalsRouter } from "./routers/animals";
import { apiTokensRouter } from "./routers/api-tokens";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { bullsRouter } from "./routers/bulls";
import { customersRouter } from "./routers/customers";
import { gbvRouter } from "./routers/gbv";
import { genotypesRouter } from "./routers/genotypes";
import { systemRouter } from "./routers/system";
import { usersRouter } from "./routers/users";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  customers: customersRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  audit: auditRouter,
  animals: animalsRouter,
  bulls: bullsRouter,
  genotypes: genotypesRouter,
  gbv: gbvRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);

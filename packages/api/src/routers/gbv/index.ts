// gbv.*: genomic evaluations. Each sub-router lives in its own file of this folder; helpers add ONE
// line each below for theirs.
// - traits (traits.ts): the trait catalogue.
import { router } from "../../trpc";
import { traitsRouter } from "./traits";
import { trainingRouter } from "./training"; // gbv.training.uploadPhenotypes / start / progress
import { rankingProcedures } from "./ranking"; // gbv.ranking, gbv.distribution
import { indexesRouter } from "./indexes";
import { reportsRouter } from "./reports";

export const gbvRouter = router({
  traits: traitsRouter,
  training: trainingRouter,
  ...rankingProcedures,
  indexes: indexesRouter,
  reports: reportsRouter,
});

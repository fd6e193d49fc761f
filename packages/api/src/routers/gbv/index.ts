// gbv.*: genomic evaluations. Each sub-router lives in its own file of this folder; helpers add ONE
// line each below for theirs.
// - traits (traits.ts): the trait catalogue. models (models.ts): import, lifecycle, list/detail.
// - forAnimal (for-animal.ts): an animal's GBVs with history.
import { router } from "../../trpc";
import { traitsRouter } from "./traits";
import { trainingRouter } from "./training"; // gbv.training.uploadPhenotypes / start / progress
import { modelsRouter } from "./models";
import { forAnimal } from "./for-animal";
import { rankingProcedures } from "./ranking"; // gbv.ranking, gbv.distribution
import { indexesRouter } from "./indexes";
import { reportsRouter } from "./reports";

export const gbvRouter = router({
  traits: traitsRouter,
  training: trainingRouter,
  models: modelsRouter,
  forAnimal,
  ...rankingProcedures,
  indexes: indexesRouter,
  reports: reportsRouter,
});

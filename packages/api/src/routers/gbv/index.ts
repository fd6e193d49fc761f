// gbv.*: genomic evaluations. Each sub-router lives in its own file of this folder; helpers add ONE
// line each below for theirs.
// - traits (traits.ts): the trait catalogue.
import { router } from "../../trpc";
import { traitsRouter } from "./traits";

export const gbvRouter = router({
  traits: traitsRouter,
});

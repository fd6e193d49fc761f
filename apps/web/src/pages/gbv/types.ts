// The GBV procedures' answers as the pages use them (types only: inferred from the API's router).
import type { RouterInputs, RouterOutputs } from "@reprotech/api";

export type AnimalGbv = RouterOutputs["gbv"]["forAnimal"];
export type TraitGbv = AnimalGbv["traits"][number];
export type GbvPrediction = NonNullable<TraitGbv["current"]>;
export type GbvTrait = RouterOutputs["gbv"]["traits"]["list"][number];
export type Ranking = RouterOutputs["gbv"]["ranking"];
export type RankingRow = Ranking["rows"][number];
export type RankingQuery = RouterInputs["gbv"]["ranking"];
export type Distribution = RouterOutputs["gbv"]["distribution"];
export type BreedDistribution = Distribution["breeds"][number];
export type SelectionIndex = RouterOutputs["gbv"]["indexes"]["list"][number];
export type ModelSummary = RouterOutputs["gbv"]["models"]["list"][number];
export type ModelDetail = RouterOutputs["gbv"]["models"]["get"];
export type ImportResult = RouterOutputs["gbv"]["models"]["import"];
export type PhenotypeUpload = RouterOutputs["gbv"]["training"]["uploadPhenotypes"];
type Yielded<T> = T extends AsyncIterable<infer U> ? U : never;
/** One event of gbv.training.progress. */
export type TrainingEvent = Yielded<RouterOutputs["gbv"]["training"]["progress"]>;

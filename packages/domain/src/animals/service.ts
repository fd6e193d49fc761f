// The animals module's server-side surface (takes the caller's tenant transaction).
export { listAnimals, getAnimal, getAnimalRow, locateAnimal, type CustomerScope } from "./queries";
export { createAnimal, updateAnimal, setAnimalStatus, assertOfficialIdFree, parseOrThrow } from "./writes";
export { assertQuota, lockQuota, type QuotaState } from "./quota";
export { assertPedigree, assertOffspringConsistent, type ParentRefs, type PedigreeSubject } from "./integrity";
export { ancestors, descendants, inbreeding, pedigreeEntries, ANCESTORS_SQL, DESCENDANTS_SQL } from "./pedigree";
export { animalsNamespace, invalidateAnimals, cachedAnimals, readKey, ANIMALS_TTL_SECONDS } from "./cache";
export { hasGenotypeSql } from "./genotyped";

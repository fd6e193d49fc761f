// What the genotype tests share: registering a SNP panel from a PLINK .map the way lab staff do.
import { randomUUID } from "node:crypto";
import type { Caller } from "../../support/identity";

/** Registers `mapText` (a PLINK .map) as a new panel through genotypes.panels.register; returns its id. */
export async function registerMapPanel(
  caller: Caller["caller"],
  mapText: string,
  label: string,
  version = "1",
): Promise<string> {
  const fd = new FormData();
  fd.set("name", `${label} ${randomUUID().slice(0, 8)}`);
  fd.set("version", version);
  fd.set("file", new File([mapText], "chip.map"));
  return (await caller.genotypes.panels.register(fd)).id;
}

// What a PLINK export will contain, decided in one short tenant transaction before a byte is
// written: the panel (given, or the one panel the selection's current genotypes share), and per
// selected animal its current genotype on that panel and its PLINK sample record (.fam columns).
// Selected ids the caller's scope cannot see are reported exactly like ids that do not exist, so an
// export never tells another farm's animals apart from unknown ones.
import { AppError } from "@reprotech/core";
import type { Tx } from "@reprotech/db";
import type { SampleInfo } from "@reprotech/genomics";
import { z } from "zod";
import type { CustomerScope } from "../animals/queries";
import { query } from "../animals/sql";

/** Most animals one export may select (a 60K .bed for 20,000 animals is ~300 MB). */
export const GENOTYPE_EXPORT_MAX_ANIMALS = 20_000;

export const GENOTYPE_EXPORT_FORMATS = ["bed", "ped"] as const;
export type GenotypeExportFormat = (typeof GENOTYPE_EXPORT_FORMATS)[number];

export const genotypeExportInput = z.object({
  /** Limits the export to one customer (as every tenant call may); default: the caller's whole scope. */
  customerId: z.uuid().optional(),
  animalIds: z
    .array(z.uuid({ error: "animalIds must be animal UUIDs" }))
    .min(1, { error: "Select at least one animal" })
    .max(GENOTYPE_EXPORT_MAX_ANIMALS, {
      error: `At most ${GENOTYPE_EXPORT_MAX_ANIMALS.toLocaleString("en")} animals per export`,
    }),
  /** Required when the selected animals' current genotypes are on several panels. */
  panelId: z.uuid({ error: "panelId must be the id of a registered SNP panel" }).optional(),
  /** bed: .bed/.bim/.fam; ped: .ped/.map. */
  format: z.enum(GENOTYPE_EXPORT_FORMATS).default("bed"),
  /** Leave out selected animals that are not found or have no current genotype on the panel, instead of refusing. */
  skipMissing: z.boolean().default(false),
});
export type GenotypeExportInput = z.output<typeof genotypeExportInput>;

export interface GenotypeExportSample {
  genotypeId: string;
  customerId: string;
  info: SampleInfo;
}

export interface GenotypeExportPlan {
  format: GenotypeExportFormat;
  panel: { id: string; name: string; version: string; markerCount: number };
  /** In the order of the selection (duplicates removed). */
  samples: GenotypeExportSample[];
  /** The distinct customers whose animals are exported. */
  customerIds: string[];
  /** Left out with skipMissing: ids not found, and official IDs without a current genotype on the panel. */
  skipped: { notFound: string[]; withoutGenotype: string[] };
}

interface AnimalRow {
  animalId: string;
  customerId: string;
  customerName: string | null;
  officialId: string;
  sex: "male" | "female";
  sire: string | null;
  dam: string | null;
}

interface GenotypeRow {
  animalId: string;
  genotypeId: string;
  panelId: string;
}

/** A PLINK ID field: no whitespace (PLINK splits on it), never empty. */
function plinkId(text: string): string {
  const id = text.trim().replace(/\s+/g, "_");
  return id === "" ? "0" : id;
}

/** "a, b, c and 12 more": error messages name what is wrong without growing unbounded. */
function listed(items: readonly string[], max = 20): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

export async function planGenotypeExport(
  tx: Tx,
  scope: CustomerScope,
  input: GenotypeExportInput,
): Promise<GenotypeExportPlan> {
  const ids = [...new Set(input.animalIds.map((id) => id.toLowerCase()))];
  // Wall 2 (explicit filter) on top of row-level security: only animals of the scope's customers.
  const customerFilter = scope === "all" ? "" : `AND a.customer_id = ANY($2::uuid[])`;
  const animals = await query<AnimalRow>(
    tx,
    `SELECT a.id::text AS "animalId", a.customer_id::text AS "customerId", c.name AS "customerName",
            a.official_id AS "officialId", a.sex::text AS sex,
            COALESCE(sire.official_id, bull.naab_code) AS sire, dam.official_id AS dam
     FROM animals a
     LEFT JOIN customers c ON c.id = a.customer_id
     LEFT JOIN animals sire ON sire.id = a.sire_id
     LEFT JOIN bulls bull ON bull.id = a.sire_bull_id
     LEFT JOIN animals dam ON dam.id = a.dam_id
     WHERE a.id = ANY($1::uuid[]) ${customerFilter}`,
    scope === "all" ? [ids] : [ids, [...scope]],
  );
  const byId = new Map(animals.map((a) => [a.animalId, a]));
  const notFound = ids.filter((id) => !byId.has(id));
  if (notFound.length > 0 && !input.skipMissing)
    throw new AppError("NOT_FOUND", `Animals not found: ${listed(notFound)}`);

  const genotypes = await query<GenotypeRow>(
    tx,
    `SELECT g.animal_id::text AS "animalId", g.id::text AS "genotypeId", g.panel_id::text AS "panelId"
     FROM genotypes g
     WHERE g.animal_id = ANY($1::uuid[]) AND g.is_current ${input.panelId ? "AND g.panel_id = $2::uuid" : ""}
     ORDER BY g.created_at DESC, g.id DESC`,
    input.panelId ? [[...byId.keys()], input.panelId] : [[...byId.keys()]],
  );

  const panelId = input.panelId ?? (await onlyPanel(tx, genotypes));
  const [panel] = await query<GenotypeExportPlan["panel"]>(
    tx,
    `SELECT id::text AS id, name, version, marker_count AS "markerCount" FROM snp_panels WHERE id = $1::uuid`,
    [panelId],
  );
  if (!panel) throw new AppError("NOT_FOUND", "SNP panel not found");

  // The ingest keeps one current genotype per animal and panel; newest first should it ever see two.
  const genotypeOf = new Map<string, string>();
  for (const g of genotypes)
    if (g.panelId === panelId && !genotypeOf.has(g.animalId)) genotypeOf.set(g.animalId, g.genotypeId);
  const found = ids.filter((id) => byId.has(id));
  const withoutGenotype = found.filter((id) => !genotypeOf.has(id)).map((id) => byId.get(id)!.officialId);
  if (withoutGenotype.length > 0 && !input.skipMissing)
    throw new AppError(
      "BAD_REQUEST",
      `No current genotype on panel ${panel.name} ${panel.version} for: ${listed(withoutGenotype)}`,
    );

  const samples = found
    .filter((id) => genotypeOf.has(id))
    .map((id): GenotypeExportSample => {
      const a = byId.get(id)!;
      return {
        genotypeId: genotypeOf.get(id)!,
        customerId: a.customerId,
        info: {
          fid: plinkId(a.customerName ?? a.customerId),
          iid: plinkId(a.officialId),
          father: a.sire ? plinkId(a.sire) : "0",
          mother: a.dam ? plinkId(a.dam) : "0",
          sex: a.sex === "male" ? 1 : 2,
          phenotype: "-9",
        },
      };
    });
  if (samples.length === 0)
    throw new AppError(
      "BAD_REQUEST",
      `None of the selected animals has a current genotype on panel ${panel.name} ${panel.version}`,
    );
  return {
    format: input.format,
    panel,
    samples,
    customerIds: [...new Set(samples.map((s) => s.customerId))],
    skipped: { notFound, withoutGenotype },
  };
}

/** The one panel of the selection's current genotypes; several → the caller must choose. */
async function onlyPanel(tx: Tx, genotypes: readonly GenotypeRow[]): Promise<string> {
  const animalsOn = new Map<string, number>();
  for (const g of genotypes) animalsOn.set(g.panelId, (animalsOn.get(g.panelId) ?? 0) + 1);
  if (animalsOn.size === 1) return [...animalsOn.keys()][0]!;
  if (animalsOn.size === 0) throw new AppError("BAD_REQUEST", "None of the selected animals has a current genotype");
  const panels = await query<{ id: string; label: string }>(
    tx,
    `SELECT id::text AS id, name || ' ' || version AS label FROM snp_panels WHERE id = ANY($1::uuid[]) ORDER BY name, version`,
    [[...animalsOn.keys()]],
  );
  throw new AppError(
    "BAD_REQUEST",
    `The selected animals are genotyped on ${panels.length} panels (${panels
      .map((p) => `${p.label} (${p.id}): ${animalsOn.get(p.id)} animals`)
      .join("; ")}); choose one with panelId`,
  );
}

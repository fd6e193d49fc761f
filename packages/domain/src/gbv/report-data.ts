// Everything a genomic report shows, gathered in the caller's tenant transaction as one plain object
// (the PDF is rendered from it alone, report-pdf.ts), and the fingerprint of it: inputs_hash =
// SHA-256 of the object's JSON plus the layout version. The generation date is NOT part of it: it is
// when the stored PDF was made, so an unchanged animal keeps being served the same bytes.
import { createHash } from "node:crypto";
import type { Tx } from "@reprotech/db";
import { ancestors } from "../animals/pedigree";
import { query } from "../animals/sql";
import { genomicInbreeding, type GenomicInbreeding } from "./inbreeding";
import { decodeFloat64 } from "./model-store";
import { indexTerms, listIndexes } from "./selection-index";

/** Bump when the PDF's layout changes, so stored reports are regenerated. */
export const REPORT_LAYOUT_VERSION = 1;

export interface PedigreeRef {
  kind: "animal" | "bull";
  /** Official ID of a herd animal, NAAB code of a catalogue bull. */
  id: string;
  name: string | null;
}

export interface ReportData {
  animal: {
    id: string;
    customerId: string;
    farm: string;
    officialId: string;
    name: string | null;
    herdTag: string | null;
    breed: string;
    sex: string;
    birthDate: string;
    status: string;
  };
  pedigree: {
    sire: PedigreeRef | null;
    dam: PedigreeRef | null;
    sireSire: PedigreeRef | null;
    sireDam: PedigreeRef | null;
    damSire: PedigreeRef | null;
    damDam: PedigreeRef | null;
  };
  gbvs: {
    code: string;
    name: string;
    unit: string;
    higherIsBetter: boolean;
    value: number;
    reliability: number;
    percentileBreed: number | null;
    percentileCustomer: number | null;
    modelVersion: number;
    panel: string;
    scoredAt: string;
  }[];
  indexes: { name: string; isDefault: boolean; value: number | null }[];
  parentage: { sireStatus: string | null; damStatus: string | null; file: string; checkedAt: string } | null;
  genotype: {
    panel: string;
    genotypedAt: string;
    callRate: number;
    heterozygosity: number;
    qcStatus: string;
  } | null;
  inbreeding: (GenomicInbreeding & { frequencies: string }) | null;
}

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

type Node = Awaited<ReturnType<typeof ancestors>>["nodes"][number];

function ref(n: Node | undefined): PedigreeRef | null {
  if (!n) return null;
  return n.kind === "bull"
    ? { kind: "bull", id: n.naabCode ?? n.registrationNumber ?? n.id, name: n.name }
    : { kind: "animal", id: n.officialId ?? n.id, name: n.name };
}

async function loadPedigree(tx: Tx, customerId: string, animalId: string) {
  const p = await ancestors(tx, customerId, animalId, 2);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const sireOf = (n: Node | undefined) => (n ? byId.get((n.sireId ?? n.sireBullId) as string) : undefined);
  const damOf = (n: Node | undefined) => (n ? byId.get(n.damId as string) : undefined);
  const sire = sireOf(p.root);
  const dam = damOf(p.root);
  return {
    sire: ref(sire),
    dam: ref(dam),
    sireSire: ref(sire?.kind === "animal" ? sireOf(sire) : undefined),
    sireDam: ref(sire?.kind === "animal" ? damOf(sire) : undefined),
    damSire: ref(dam?.kind === "animal" ? sireOf(dam) : undefined),
    damDam: ref(dam?.kind === "animal" ? damOf(dam) : undefined),
  };
}

/** The report's content for an animal of `customerId` (the caller has located the animal). */
export async function gatherReportData(tx: Tx, customerId: string, animalId: string): Promise<ReportData> {
  const [animal] = await query<ReportData["animal"]>(
    tx,
    `SELECT a.id::text AS id, a.customer_id::text AS "customerId", c.name AS farm, a.official_id AS "officialId",
            a.name, a.herd_tag AS "herdTag", a.breed, a.sex::text AS sex, to_char(a.birth_date, 'YYYY-MM-DD') AS "birthDate",
            a.status::text AS status
       FROM animals a JOIN customers c ON c.id = a.customer_id
      WHERE a.id = $1::uuid AND a.customer_id = $2::uuid`,
    [animalId, customerId],
  );
  if (!animal) throw new Error(`animal ${animalId} of ${customerId} not found`);

  const gbvs = await query<ReportData["gbvs"][number] & { traitId: string; panelId: string; modelId: string }>(
    tx,
    `SELECT t.code, t.name, t.unit, t.higher_is_better AS "higherIsBetter", p.value, p.reliability,
            p.percentile_breed AS "percentileBreed", p.percentile_customer AS "percentileCustomer",
            m.version AS "modelVersion", sp.name || ' v' || sp.version AS panel, ${ISO("p.created_at")} AS "scoredAt",
            t.id::text AS "traitId", m.panel_id::text AS "panelId", m.id::text AS "modelId"
       FROM gbv_predictions p
       JOIN gbv_traits t ON t.id = p.trait_id
       JOIN gbv_models m ON m.id = p.model_id
       JOIN snp_panels sp ON sp.id = m.panel_id
      WHERE p.animal_id = $1::uuid AND p.customer_id = $2::uuid AND p.is_current
      ORDER BY t.created_at, t.code`,
    [animalId, customerId],
  );

  // Index values: the same formula as the rankings (selection-index.ts), for this one animal.
  const indexes: ReportData["indexes"] = [];
  for (const index of await listIndexes(tx, [customerId])) {
    const terms = await indexTerms(tx, index.weights);
    let value: number | null = 0;
    for (const t of terms.traits) {
      const g = gbvs.find((x) => x.traitId === t.traitId);
      if (!g) {
        value = null;
        break;
      }
      const f = terms.factors.find((x) => x.traitId === t.traitId && x.panelId === g.panelId)?.factor ?? 0;
      value += f * g.value;
    }
    indexes.push({ name: index.name, isDefault: index.isDefault, value });
  }

  const [parentage] = await query<NonNullable<ReportData["parentage"]>>(
    tx,
    `SELECT r.sire_status AS "sireStatus", r.dam_status AS "damStatus", u.original_file_name AS file,
            ${ISO("r.created_at")} AS "checkedAt"
       FROM genotype_sample_results r JOIN genotype_uploads u ON u.id = r.upload_id
      WHERE r.animal_id = $1::uuid AND r.customer_id = $2::uuid
      ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
    [animalId, customerId],
  );

  const [genotype] = await query<NonNullable<ReportData["genotype"]> & { packed: Uint8Array; panelId: string }>(
    tx,
    `SELECT sp.name || ' v' || sp.version AS panel, ${ISO("g.created_at")} AS "genotypedAt", g.call_rate AS "callRate",
            g.heterozygosity, g.qc_status::text AS "qcStatus", g.packed, g.panel_id::text AS "panelId"
       FROM genotypes g JOIN snp_panels sp ON sp.id = g.panel_id
      WHERE g.animal_id = $1::uuid AND g.customer_id = $2::uuid AND g.is_current
      ORDER BY g.created_at DESC, g.id DESC LIMIT 1`,
    [animalId, customerId],
  );

  // Frequencies: those of the model that scored the animal on the genotype's panel, else the
  // panel's published model (catalogue rows; no other farm's genotypes are read).
  let inbreeding: ReportData["inbreeding"] = null;
  if (genotype) {
    const [model] = await query<{ freqs: Uint8Array; label: string }>(
      tx,
      `SELECT m.allele_freqs AS freqs, t.code || ' model v' || m.version AS label
         FROM gbv_models m JOIN gbv_traits t ON t.id = m.trait_id
        WHERE m.panel_id = $1::uuid AND (m.id = ANY($2::uuid[]) OR m.status = 'published')
        ORDER BY (m.id = ANY($2::uuid[])) DESC, t.created_at, t.code, m.version DESC LIMIT 1`,
      [genotype.panelId, gbvs.map((g) => g.modelId)],
    );
    const f = model ? genomicInbreeding(genotype.packed, decodeFloat64(model.freqs)) : null;
    if (f) inbreeding = { ...f, frequencies: model!.label };
  }

  return {
    animal,
    pedigree: await loadPedigree(tx, customerId, animalId),
    gbvs: gbvs.map(({ traitId: _t, panelId: _p, modelId: _m, ...g }) => g),
    indexes,
    parentage: parentage ?? null,
    genotype: genotype
      ? {
          panel: genotype.panel,
          genotypedAt: genotype.genotypedAt,
          callRate: genotype.callRate,
          heterozygosity: genotype.heterozygosity,
          qcStatus: genotype.qcStatus,
        }
      : null,
    inbreeding,
  };
}

/** SHA-256 (hex) of everything the report shows. */
export function reportInputsHash(data: ReportData): string {
  return createHash("sha256")
    .update(JSON.stringify({ layout: REPORT_LAYOUT_VERSION, data }))
    .digest("hex");
}

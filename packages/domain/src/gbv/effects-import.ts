// Importing published marker effects as a draft model. Each file row is aligned to the panel by SNP
// name and allele. Packed genotypes count the panel's B allele (genomics/src/pack.ts), so the stored
// effect is the B allele's: an effect given for the A allele flips sign — exact, because scoring
// centres the counts: (x_A - 2 p_A) = -(x_B - 2 p_B) — and a given frequency becomes 1 - f. An allele
// on the opposite strand (A↔T, C↔G) is matched by its complement, except at A/T and C/G SNPs, where
// the strand cannot be told from the letters: those are dropped. SNPs not on the panel, alleles that
// are neither of the panel's letters (nor their complement) and ambiguous SNPs are dropped and
// reported (counts and first names) in the model's provenance and the answer; a file of which
// nothing remains is refused. Frequencies: the file's when it has a frequency column, else computed
// from the current genotypes on the panel (all farms, in aggregate), else the import is refused.
// Reliabilities of imported effects are Daetwyler's population-level expectation, from the reference
// size the caller states and the model's (else the trait's) heritability. The raw file is stored
// under ml-models/ (model-store.ts) with the model, in the same transaction.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { AppError } from "@reprotech/core";
import { withSystemClient, type Tx } from "@reprotech/db";
import { complement, isStrandAmbiguous, type SnpPanel } from "@reprotech/genomics";
import type pg from "pg";
import { z } from "zod";
import { query } from "../animals/sql";
import type { BlobStore } from "../genotypes/blob-store";
import { decodeMarkerMap } from "../genotypes/panel-codec";
import { readEffectsFile, type EffectRow } from "./effects-file";
import { panelFrequencies } from "./genotype-pages";
import { insertModel, modelArtefactKey } from "./model-store";
import { getTrait } from "./traits";

/** How many names of each kind of dropped SNP are kept in the report. */
export const REPORT_NAMES = 20;

export const droppedReportSchema = z.object({
  count: z.number().int(),
  first: z.array(z.string()),
});

export const importReportSchema = z.object({
  rows: z.number().int(),
  used: z.number().int(),
  /** Effects given for the panel's A allele (sign flipped to the counted B allele). */
  flipped: z.number().int(),
  /** Alleles given on the other strand, matched by their complement. */
  complemented: z.number().int(),
  dropped: z.object({
    /** SNP names not on the panel. */
    unknownSnp: droppedReportSchema,
    /** Alleles that are neither of the panel's letters nor their complement (or the panel has no letters). */
    unknownAllele: droppedReportSchema,
    /** A/T and C/G SNPs: strand cannot be told, so the effect allele is unusable. */
    ambiguous: droppedReportSchema,
  }),
  frequencySource: z.enum(["file", "genotypes"]),
  /** Animals the frequencies were computed from (frequencySource "genotypes"). */
  frequencyAnimals: z.number().int().nullable(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

interface Dropped {
  count: number;
  first: string[];
}
const drop = (d: Dropped, name: string) => {
  d.count++;
  if (d.first.length < REPORT_NAMES) d.first.push(name);
};

const known = (x: string) => x !== "" && x !== "0" && x !== "N" && x !== "." && x !== "-";

/** Aligns file rows to the panel: effect and frequency of the B allele per panel SNP. */
export function alignEffects(panel: SnpPanel, rows: readonly EffectRow[]) {
  const n = panel.size;
  const effects = new Float64Array(n);
  const freqs = new Float64Array(n).fill(Number.NaN);
  const dropped = {
    unknownSnp: { count: 0, first: [] as string[] },
    unknownAllele: { count: 0, first: [] as string[] },
    ambiguous: { count: 0, first: [] as string[] },
  };
  let used = 0;
  let flipped = 0;
  let complemented = 0;
  for (const r of rows) {
    const j = panel.indexOf(r.snp);
    if (j < 0) {
      drop(dropped.unknownSnp, r.snp);
      continue;
    }
    const m = panel.marker(j);
    const a = m.a.toUpperCase();
    const b = m.b.toUpperCase();
    if (!known(a) || !known(b)) {
      drop(dropped.unknownAllele, `${r.snp} (the panel has no allele letters for it)`);
      continue;
    }
    if (isStrandAmbiguous(a, b)) {
      drop(dropped.ambiguous, `${r.snp} (${a}/${b})`);
      continue;
    }
    let sign: 1 | -1;
    if (r.allele === b) sign = 1;
    else if (r.allele === a) sign = -1;
    else if (complement(r.allele) === b) {
      sign = 1;
      complemented++;
    } else if (complement(r.allele) === a) {
      sign = -1;
      complemented++;
    } else {
      drop(dropped.unknownAllele, `${r.snp} (${r.allele} is not ${a} or ${b})`);
      continue;
    }
    if (sign < 0) flipped++;
    effects[j] = sign * r.effect;
    if (r.frequency !== undefined) freqs[j] = sign > 0 ? r.frequency : 1 - r.frequency;
    used++;
  }
  return { effects, freqs, used, flipped, complemented, dropped };
}

export const importEffectsInput = z.object({
  traitId: z.uuid({ error: "traitId must be the id of a trait" }),
  panelId: z.uuid({ error: "panelId must be the id of a registered SNP panel" }),
  /** Reference population the effects were estimated on (for Daetwyler reliabilities). */
  referenceSize: z.coerce
    .number({ error: "referenceSize must be a whole number" })
    .int("referenceSize must be a whole number")
    .min(1, "referenceSize (the number of reference animals behind the effects) must be at least 1"),
  heritability: z.coerce
    .number()
    .gt(0, "heritability must be above 0")
    .lt(1, "heritability must be below 1")
    .optional(),
  /** Overrides nothing: when the file's header also gives one, both must agree. */
  intercept: z.coerce.number({ error: "intercept must be a number" }).finite().optional(),
  description: z.string().trim().max(500).optional(),
});
export type ImportEffectsInput = z.output<typeof importEffectsInput>;

export interface ImportResult {
  modelId: string;
  version: number;
  report: ImportReport;
}

/** Imports the file as a draft model (needs the '*' scope: catalogue write). */
export async function importEffects(
  tx: Tx,
  { blobs, pool }: { blobs: BlobStore; pool: pg.Pool },
  input: ImportEffectsInput & { file: { name: string; bytes: Uint8Array }; userId: string | null },
): Promise<ImportResult> {
  const trait = await getTrait(tx, { id: input.traitId });
  const [panelRow] = await query<{ markerMap: Uint8Array; name: string }>(
    tx,
    `SELECT marker_map AS "markerMap", name FROM snp_panels WHERE id = $1::uuid`,
    [input.panelId],
  );
  if (!panelRow) throw new AppError("NOT_FOUND", "SNP panel not found");
  const panel = decodeMarkerMap(panelRow.markerMap);
  const file = await readEffectsFile(input.file);
  if (file.rows.length === 0) throw new AppError("BAD_REQUEST", "The effects file has a header but no SNPs");
  if (input.intercept !== undefined && file.intercept !== undefined && input.intercept !== file.intercept)
    throw new AppError(
      "BAD_REQUEST",
      `The intercept given (${input.intercept}) differs from the one in the file's header (${file.intercept})`,
    );
  const intercept = input.intercept ?? file.intercept ?? 0;
  const aligned = alignEffects(panel, file.rows);
  const { dropped } = aligned;
  if (aligned.used === 0)
    throw new AppError(
      "BAD_REQUEST",
      `No SNP of the file could be used on panel ${panelRow.name}: ${dropped.unknownSnp.count} not on the panel` +
        ` (e.g. ${dropped.unknownSnp.first.slice(0, 5).join(", ") || "none"}), ${dropped.unknownAllele.count} with an unknown allele,` +
        ` ${dropped.ambiguous.count} strand-ambiguous`,
    );
  let freqs: Float64Array = aligned.freqs;
  let frequencyAnimals: number | null = null;
  if (!file.hasFrequencies) {
    // Read in a transaction of their own (the '*' scope, like this one's), as raw COPY pages.
    const computed = await withSystemClient(pool, (client) => panelFrequencies(client, input.panelId, panel.size));
    if (computed.nAnimals === 0)
      throw new AppError(
        "BAD_REQUEST",
        `The effects file has no allele frequency column and no animal is genotyped on panel ${panelRow.name} to compute them from: add a frequency column (frequency of the effect allele)`,
      );
    freqs = computed.p;
    frequencyAnimals = computed.nAnimals;
  }
  // A SNP in the model needs a frequency to be centred; a SNP no animal was ever called on has none.
  const noFreq: string[] = [];
  for (let j = 0; j < panel.size; j++)
    if (aligned.effects[j] !== 0 && !Number.isFinite(freqs[j]!)) noFreq.push(panel.marker(j).name);
  if (noFreq.length)
    throw new AppError(
      "BAD_REQUEST",
      `${noFreq.length} SNP(s) of the model have no allele frequency (no animal called on them): ${noFreq.slice(0, 10).join(", ")}`,
    );
  const report: ImportReport = {
    rows: file.rows.length,
    used: aligned.used,
    flipped: aligned.flipped,
    complemented: aligned.complemented,
    dropped,
    frequencySource: file.hasFrequencies ? "file" : "genotypes",
    frequencyAnimals,
  };
  const sha256 = createHash("sha256").update(input.file.bytes).digest("hex");
  const h2 = input.heritability ?? trait.defaultHeritability;
  const created = await insertModel(tx, {
    traitId: trait.id,
    panelId: input.panelId,
    source: "imported",
    status: "draft",
    effects: aligned.effects,
    alleleFreqs: freqs,
    intercept,
    heritability: input.heritability ?? null,
    reliability: { method: "daetwyler", nReference: input.referenceSize, h2 },
    description: input.description ?? null,
    createdBy: input.userId,
    provenance: {
      kind: "imported",
      fileName: input.file.name.slice(0, 255),
      sha256,
      byteSize: input.file.bytes.byteLength,
      format: file.format,
      interceptSource: input.intercept !== undefined ? "input" : file.intercept !== undefined ? "file" : "none",
      referenceSize: input.referenceSize,
      ...report,
    },
    // The raw file, as published, beside the model's other artefacts.
    artefact: async (version) => {
      const key = modelArtefactKey(trait.code, input.panelId, version, `effects-${file.format}`);
      await blobs.put(key, Readable.from([input.file.bytes]));
      return key;
    },
  });
  return { modelId: created.id, version: created.version, report };
}

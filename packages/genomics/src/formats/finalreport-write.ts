// FinalReport writer (long layout), streaming one chunk per few samples. Alleles of each
// requested set come from the panel; missing calls are written "-" "-".
import { ALLELE_SET_LABEL, type AlleleSet } from "../alleles";
import { bytesPerSample, type PackedMatrix } from "../pack";
import type { SnpPanel } from "../panel";
import { ChunkWriter } from "./bytes";

export interface FinalReportWriteOptions {
  /** Allele column pairs to write, in order. Default ["ab", "top"]. */
  readonly alleleSets?: readonly AlleleSet[];
  readonly separator?: "\t" | ",";
  readonly lineEnding?: "\n" | "\r\n";
  /** Also write the SNP columns Chr, Position, SNP ([A/B] design alleles) and ILMN Strand. Default false. */
  readonly snpColumns?: boolean;
  /** GC Score of a call; default a deterministic value in [0.40, 0.99] from the sample and SNP indices. No-calls get 0.0000. */
  readonly gcScore?: (sample: number, snp: number) => number;
  /** Extra [Header] entries (after GSGT Version, Num SNPs, Num Samples, ...). */
  readonly header?: Readonly<Record<string, string>>;
}

function defaultGc(i: number, j: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return 0.4 + (((h ^ (h >>> 12)) >>> 0) % 5900) / 10000;
}

/** Streams a long-layout FinalReport of every sample's call at every panel SNP. */
export function* writeFinalReport(
  panel: SnpPanel,
  sampleIds: readonly string[],
  genotypes: PackedMatrix,
  options: FinalReportWriteOptions = {},
): Generator<Uint8Array> {
  const n = panel.size;
  if (genotypes.nSnps !== n) throw new RangeError(`writeFinalReport: matrix has ${genotypes.nSnps} SNPs, panel ${n}`);
  if (genotypes.nSamples !== sampleIds.length)
    throw new RangeError(`writeFinalReport: matrix has ${genotypes.nSamples} samples, ${sampleIds.length} IDs given`);
  const sep = options.separator ?? "\t";
  const eol = options.lineEnding ?? "\n";
  const sets = options.alleleSets ?? ["ab", "top"];
  const gc = options.gcScore ?? defaultGc;
  const w = new ChunkWriter();
  const head: [string, string][] = [
    ["GSGT Version", "2.0.5"],
    ["Processing Date", "1/1/2026 12:00 PM"],
    ["Content", "simulated.bpm"],
    ["Num SNPs", String(n)],
    ["Total SNPs", String(n)],
    ["Num Samples", String(sampleIds.length)],
    ["Total Samples", String(sampleIds.length)],
    ...Object.entries(options.header ?? {}),
  ];
  const cols = [
    "SNP Name",
    "Sample ID",
    ...sets.flatMap((s) => [`Allele1 - ${ALLELE_SET_LABEL[s]}`, `Allele2 - ${ALLELE_SET_LABEL[s]}`]),
  ];
  if (options.snpColumns) cols.push("Chr", "Position", "SNP", "ILMN Strand");
  cols.push("GC Score");
  w.add(`[Header]${eol}${head.map(([k, v]) => `${k}${sep}${v}${eol}`).join("")}[Data]${eol}${cols.join(sep)}${eol}`);
  // Per SNP and 2-bit code, the text of all allele columns (and SNP columns) after the sample ID.
  const callText: string[] = new Array<string>(4 * n);
  const tail: string[] = new Array<string>(n);
  for (let j = 0; j < n; j++) {
    const m = panel.markers[j]!;
    const pairs = sets.map((s) => {
      const p = panel.pair(j, s);
      if (!p) throw new RangeError(`writeFinalReport: panel has no ${ALLELE_SET_LABEL[s]} alleles for SNP ${m.name}`);
      return p;
    });
    const calls = (x: 0 | 1 | 2 | -1): string =>
      pairs
        .map((p) =>
          x < 0
            ? `-${sep}-`
            : x === 0
              ? `${p[0]}${sep}${p[0]}`
              : x === 1
                ? `${p[0]}${sep}${p[1]}`
                : `${p[1]}${sep}${p[1]}`,
        )
        .join(sep);
    callText[4 * j] = calls(0);
    callText[4 * j + 1] = calls(-1);
    callText[4 * j + 2] = calls(1);
    callText[4 * j + 3] = calls(2);
    tail[j] = options.snpColumns
      ? `${sep}${m.chrom}${sep}${m.position}${sep}[${(m.design ?? [m.a, m.b]).join("/")}]${sep}${m.ilmnStrand ?? "TOP"}`
      : "";
  }
  const stride = bytesPerSample(n);
  for (let i = 0; i < sampleIds.length; i++) {
    const id = sampleIds[i]!;
    const row = genotypes.data.subarray(i * stride, (i + 1) * stride);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) {
      const code = (row[j >>> 2]! >>> ((j & 3) << 1)) & 3;
      const score = code === 0b01 ? "0.0000" : gc(i, j).toFixed(4);
      lines.push(`${panel.markers[j]!.name}${sep}${id}${sep}${callText[4 * j + code]}${tail[j]}${sep}${score}${eol}`);
    }
    const c = w.add(lines.join(""));
    if (c) yield c;
  }
  const last = w.flush();
  if (last) yield last;
}

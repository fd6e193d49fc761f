// PLINK 1 binary genotypes: .bed (SNP-major, magic 0x6c 0x1b 0x01) with .bim and .fam.
// The 2-bit codes of a .bed are exactly those of src/pack.ts (B allele = .bim column 6), so
// reading and writing is a transpose between SNP-major file rows and sample-major packed rows,
// done in blocks of SNPs with the 4x4 tile kernel of transposeCodes.
import { bytesPerSample, transposeCodes, type PackedMatrix } from "../pack";
import type { SnpPanel } from "../panel";
import { chunksOf, readAllText, type ByteSource } from "./bytes";
import { GenotypeFormatError } from "./errors";
import { formatBim, parseBim } from "./plink-map";
import { formatFam, parseFam, type SampleInfo } from "./plink-fam";

export const BED_MAGIC = new Uint8Array([0x6c, 0x1b, 0x01]);

export interface BedWriteOptions {
  /** SNPs transposed per output chunk (rounded to a multiple of 4). Default: about 4 MB per chunk. */
  readonly blockSnps?: number;
}

function blockSize(requested: number | undefined, bytesPerSnp: number): number {
  const n = requested ?? Math.max(4, Math.floor((4 << 20) / Math.max(1, bytesPerSnp)));
  return Math.max(4, n - (n & 3));
}

/** Streams a SNP-major .bed for a sample-major matrix: the magic bytes, then one chunk per block of SNPs. */
export function* writeBed(m: PackedMatrix, options: BedWriteOptions = {}): Generator<Uint8Array> {
  yield BED_MAGIC.slice();
  const inStride = bytesPerSample(m.nSnps);
  const outStride = bytesPerSample(m.nSamples);
  const block = blockSize(options.blockSnps, outStride);
  for (let j0 = 0; j0 < m.nSnps; j0 += block) {
    const nb = Math.min(block, m.nSnps - j0);
    const out = new Uint8Array(nb * outStride);
    transposeCodes(m.data.subarray(j0 >>> 2), m.nSamples, nb, inStride, out, outStride);
    yield out;
  }
}

export interface PlinkBinaryFiles {
  bed: Iterable<Uint8Array>;
  bim: string;
  fam: string;
}

/** The three files of a PLINK binary fileset; .bed is streamed, .bim and .fam are text. */
export function writePlinkBinary(
  panel: SnpPanel,
  samples: readonly SampleInfo[],
  genotypes: PackedMatrix,
  options: BedWriteOptions = {},
): PlinkBinaryFiles {
  if (genotypes.nSnps !== panel.size)
    throw new RangeError(`writePlinkBinary: matrix has ${genotypes.nSnps} SNPs, panel ${panel.size}`);
  if (genotypes.nSamples !== samples.length)
    throw new RangeError(
      `writePlinkBinary: matrix has ${genotypes.nSamples} samples, ${samples.length} sample records given`,
    );
  return { bed: writeBed(genotypes, options), bim: formatBim(panel), fam: formatFam(samples) };
}

/**
 * Reads a SNP-major .bed into sample-major packed rows, transposing each block of SNPs as it
 * arrives so only the result and one block are held.
 */
export async function readBed(src: ByteSource, nSamples: number, nSnps: number): Promise<PackedMatrix> {
  const snpBytes = bytesPerSample(nSamples);
  const outStride = bytesPerSample(nSnps);
  const data = new Uint8Array(nSamples * outStride);
  const block = blockSize(undefined, snpBytes);
  const buf = new Uint8Array(block * snpBytes);
  const expected = 3 + nSnps * snpBytes;
  let filled = 0; // bytes of the current block
  let j0 = 0; // first SNP of the current block
  let offset = 0; // bytes of the file consumed
  const header = new Uint8Array(3);
  let headerChecked = false;

  const flush = (nb: number): void => {
    transposeCodes(buf, nb, nSamples, snpBytes, data.subarray(j0 >>> 2), outStride);
    j0 += nb;
    filled = 0;
  };

  for await (const chunk of chunksOf(src)) {
    let p = 0;
    while (offset < 3 && p < chunk.length) header[offset++] = chunk[p++]!;
    if (offset === 3 && !headerChecked) {
      headerChecked = true;
      if (header[0] !== 0x6c || header[1] !== 0x1b)
        throw new GenotypeFormatError(
          "BAD_HEADER",
          `.bed: not a PLINK 1 .bed file (magic bytes ${[...header].map((x) => x.toString(16)).join(" ")})`,
        );
      if (header[2] !== 0x01)
        throw new GenotypeFormatError(
          "BAD_HEADER",
          ".bed: sample-major (individual-major) mode is not supported; re-create it with plink --make-bed",
        );
    }
    while (p < chunk.length) {
      if (offset >= expected)
        throw new GenotypeFormatError(
          "SIZE_MISMATCH",
          `.bed: file is longer than ${expected} bytes expected for ${nSnps} SNPs x ${nSamples} samples (wrong .bim/.fam?)`,
        );
      const take = Math.min(chunk.length - p, buf.length - filled, expected - offset);
      buf.set(chunk.subarray(p, p + take), filled);
      filled += take;
      p += take;
      offset += take;
      if (filled === buf.length) flush(block);
    }
  }
  if (offset < 3)
    throw new GenotypeFormatError(
      offset === 0 ? "EMPTY" : "TRUNCATED",
      offset === 0 ? ".bed: file is empty" : ".bed: file ends inside the magic bytes",
    );
  if (offset !== expected)
    throw new GenotypeFormatError(
      "TRUNCATED",
      `.bed: file has ${offset} bytes, expected ${expected} for ${nSnps} SNPs x ${nSamples} samples (truncated, or wrong .bim/.fam)`,
    );
  if (filled > 0) flush(filled / snpBytes);
  return { nSamples, nSnps, data };
}

export interface PlinkData {
  panel: SnpPanel;
  samples: SampleInfo[];
  genotypes: PackedMatrix;
}

/** Reads a .bed/.bim/.fam fileset. */
export async function readPlinkBinary(files: {
  bed: ByteSource;
  bim: ByteSource;
  fam: ByteSource;
}): Promise<PlinkData> {
  const panel = parseBim(await readAllText(files.bim));
  const samples = parseFam(await readAllText(files.fam));
  const genotypes = await readBed(files.bed, samples.length, panel.size);
  return { panel, samples, genotypes };
}

// summarizeBed / summarizeBedFile (SNP-major counting) against summarizeGenotypes on the sample-major
// matrix, across row sizes (word alignment, padding calls, > 63 words a row), block and tile boundaries,
// dense missing / hom-B data (counter overflow), and malformed files. The plink2 comparison is in stats.test.ts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GenotypeFormatError } from "../src/formats/errors";
import { writeBed } from "../src/formats/plink-bed";
import { concatBytes } from "../src/formats/bytes";
import { bytesPerSample, type PackedMatrix } from "../src/pack";
import { summarizeBed, summarizeBedFile, type BedSummary } from "../src/stats/bed-summary";
import { summarizeGenotypes } from "../src/stats/frequencies";
import { removeTempDirs, tempDir } from "./support/plink";
import { randomGenotypes } from "./support/random";

function expectSameAsMatrix(b: BedSummary, m: PackedMatrix): void {
  const s = summarizeGenotypes(m);
  expect(b.snps.nSnps).toBe(m.nSnps);
  expect(b.snps.nSamples).toBe(m.nSamples);
  expect(Array.from(b.snps.hom0)).toEqual(Array.from(s.snps.hom0));
  expect(Array.from(b.snps.het)).toEqual(Array.from(s.snps.het));
  expect(Array.from(b.snps.hom2)).toEqual(Array.from(s.snps.hom2));
  expect(Array.from(b.snps.missing)).toEqual(Array.from(s.snps.missing));
  expect(b.samples.nSnps).toBe(m.nSnps);
  expect(Array.from(b.samples.missing)).toEqual(Array.from(s.samples.missing));
}

/** A matrix where every call is `code` except a sprinkle of others (stress for the packed counters). */
function mostly(nSamples: number, nSnps: number, code: number, seed: number): PackedMatrix {
  const { m } = randomGenotypes({ nSamples, nSnps, seed, missingRate: 0.3 });
  const stride = bytesPerSample(nSnps);
  for (let i = 0; i < nSamples; i++)
    for (let j = 0; j < nSnps; j++) {
      if ((i * 7 + j * 3) % 11 === 0) continue;
      const k = i * stride + (j >> 2);
      const s = (j & 3) << 1;
      m.data[k] = (m.data[k]! & ~(3 << s)) | (code << s);
    }
  return m;
}

afterAll(removeTempDirs);

const bedBytes = (m: PackedMatrix) => concatBytes(writeBed(m));

describe("summarizeBed equals summarizeGenotypes", () => {
  it("over row sizes, block sizes and tile remainders", async () => {
    const dir = tempDir("bedsum");
    let k = 0;
    for (const nSamples of [1, 3, 4, 15, 16, 17, 33, 1008, 1009, 1100])
      for (const nSnps of [1, 2, 3, 4, 7, 16, 31]) {
        const { m } = randomGenotypes({ nSamples, nSnps, seed: 100 + k++, missingRate: 0.1 });
        const bed = bedBytes(m);
        const path = join(dir, `t${k}.bed`);
        writeFileSync(path, bed);
        expectSameAsMatrix(await summarizeBed(bed, nSamples, nSnps), m);
        expectSameAsMatrix(await summarizeBed(bed, nSamples, nSnps, { blockBytes: 1 }), m); // 3 rows a block
        expectSameAsMatrix(await summarizeBedFile(path, nSamples, nSnps), m);
        expectSameAsMatrix(await summarizeBedFile(path, nSamples, nSnps, { blockBytes: 1 }), m);
      }
  });

  it("dense missing, het and hom-B calls do not overflow the packed counters", async () => {
    for (const code of [0b01, 0b10, 0b11]) {
      // 2,000 samples: 125 words a row (two flushes of 63); 50 SNPs: 17 tiles (3 flushes of the 4-bit counters).
      const m = mostly(2000, 50, code, code);
      expectSameAsMatrix(await summarizeBed(bedBytes(m), 2000, 50, { blockBytes: 7 * 500 }), m);
    }
    // Every call missing: per-sample counters reach nSnps.
    const all = mostly(40, 200, 0b01, 9);
    for (let i = 0; i < all.data.length; i++) all.data[i] = 0x55;
    const b = await summarizeBed(bedBytes(all), 40, 200);
    expect(Array.from(b.samples.missing)).toEqual(new Array<number>(40).fill(200));
    expect(Array.from(b.snps.missing)).toEqual(new Array<number>(200).fill(40));
  });

  it("ignores whatever the padding calls of a row's last byte hold", async () => {
    const nSamples = 13; // 4 bytes a row, 3 padding calls in the last byte
    const { m } = randomGenotypes({ nSamples, nSnps: 9, seed: 4, missingRate: 0.2 });
    const bed = bedBytes(m);
    const dirty = bed.slice();
    for (let j = 0; j < 9; j++) dirty[3 + j * 4 + 3]! |= 0b11111100;
    expectSameAsMatrix(await summarizeBed(dirty, nSamples, 9), m);
    const dir = tempDir("bedpad");
    writeFileSync(join(dir, "d.bed"), dirty);
    expectSameAsMatrix(await summarizeBedFile(join(dir, "d.bed"), nSamples, 9), m);
  });

  it("no samples, no SNPs", async () => {
    const empty = await summarizeBed(new Uint8Array([0x6c, 0x1b, 0x01]), 0, 5);
    expect(Array.from(empty.snps.hom0)).toEqual([0, 0, 0, 0, 0]);
    expect(empty.samples.missing.length).toBe(0);
    const noSnps = await summarizeBed(new Uint8Array([0x6c, 0x1b, 0x01]), 7, 0);
    expect(Array.from(noSnps.samples.missing)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("rejects bad magic, sample-major mode, truncated and over-long files", async () => {
    const { m } = randomGenotypes({ nSamples: 10, nSnps: 6, seed: 2 });
    const bed = bedBytes(m);
    const dir = tempDir("bedbad");
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), "EMPTY"],
      [bed.subarray(0, 2), "TRUNCATED"],
      [bed.subarray(0, bed.length - 1), "TRUNCATED"],
      [concatBytes([bed, new Uint8Array(1)]), "SIZE_MISMATCH"],
      [Uint8Array.from([0x6c, 0x1c, 0x01, ...bed.subarray(3)]), "BAD_HEADER"],
      [Uint8Array.from([0x6c, 0x1b, 0x00, ...bed.subarray(3)]), "BAD_HEADER"],
    ];
    for (const [bytes, code] of cases) {
      await expect(summarizeBed(bytes, 10, 6)).rejects.toMatchObject({ name: GenotypeFormatError.name, code });
      const path = join(dir, `${code}-${bytes.length}.bed`);
      writeFileSync(path, bytes);
      await expect(summarizeBedFile(path, 10, 6)).rejects.toMatchObject({ code });
    }
  });
});

import { describe, expect, it } from "vitest";
import {
  bytesPerSample,
  codeAt,
  countAt,
  createPackedMatrix,
  MISSING,
  missingRow,
  packCounts,
  setCode,
  transposeCodes,
  unpackCounts,
} from "../src/index";
import { Rng } from "../src/simulate/rng";

function randomCounts(rng: Rng, n: number, missing = 0.1): number[] {
  return Array.from({ length: n }, () => (rng.float() < missing ? MISSING : rng.int(3)));
}

describe("pack/unpack", () => {
  it("packCounts rejects a genotype other than 0, 1, 2 or MISSING, naming the SNP", () => {
    // 3 used to index the MISSING slot of the code table and was packed as a no-call.
    expect(() => packCounts([0, 1, 2, 3])).toThrow(RangeError);
    expect(() => packCounts([0, 1, 2, 3])).toThrow(/genotype 3 at SNP 3\b/);
    for (const bad of [3, 4, -2, 0.5, Number.NaN])
      expect(() => packCounts([2, MISSING, bad, 0, 1])).toThrow(new RegExp(`at SNP 2\\b`));
    expect(() => packCounts(Int8Array.from([0, 0, 0, 0, 0, 3]))).toThrow(/at SNP 5\b/);
    expect([...packCounts([0, 1, 2, MISSING])]).toEqual([0b01_11_10_00]);
  });

  it("round-trips counts for every length mod 4 and keeps trailing bits zero", () => {
    const rng = new Rng(1);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 61, 64]) {
      const counts = randomCounts(rng, n);
      const packed = packCounts(counts);
      expect(packed.length).toBe(bytesPerSample(n));
      expect([...unpackCounts(packed, n)]).toEqual(counts);
      for (let j = 0; j < n; j++) expect(countAt(packed, j)).toBe(counts[j]);
      const used = (n & 3) === 0 ? 8 : (n & 3) * 2;
      expect(packed[packed.length - 1]! >>> used).toBe(0);
    }
  });

  it("uses PLINK .bed codes: 0 -> 00, missing -> 01, 1 -> 10, 2 -> 11, first SNP in the low bits", () => {
    expect([...packCounts([0, MISSING, 1, 2])]).toEqual([0b11_10_01_00]);
    expect([...packCounts([2])]).toEqual([0b11]);
  });

  it("setCode and missingRow agree with packCounts", () => {
    const row = missingRow(6);
    expect([...row]).toEqual([...packCounts([MISSING, MISSING, MISSING, MISSING, MISSING, MISSING])]);
    setCode(row, 5, 0b11);
    setCode(row, 0, 0b00);
    expect([...unpackCounts(row, 6)]).toEqual([0, MISSING, MISSING, MISSING, MISSING, 2]);
    expect(codeAt(row, 5)).toBe(3);
    const m = createPackedMatrix(3, 5);
    expect(m.data.length).toBe(6);
    expect([...unpackCounts(m.data.subarray(2, 4), 5)]).toEqual([MISSING, MISSING, MISSING, MISSING, MISSING]);
  });
});

describe("transposeCodes", () => {
  it("matches a naive transpose for odd shapes, and transposing twice is the identity", () => {
    const rng = new Rng(7);
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [4, 4],
      [5, 9],
      [13, 17],
      [32, 3],
      [7, 64],
    ] as const) {
      const src = new Uint8Array(rows * bytesPerSample(cols));
      const truth: number[][] = [];
      for (let i = 0; i < rows; i++) {
        const c = randomCounts(rng, cols, 0.2);
        truth.push(c);
        src.set(packCounts(c), i * bytesPerSample(cols));
      }
      const t = transposeCodes(src, rows, cols);
      const s = bytesPerSample(rows);
      for (let j = 0; j < cols; j++) {
        expect([...unpackCounts(t.subarray(j * s, (j + 1) * s), rows)]).toEqual(truth.map((r) => r[j]));
        const used = (rows & 3) === 0 ? 8 : (rows & 3) * 2;
        expect(t[j * s + s - 1]! >>> used).toBe(0);
      }
      expect([...transposeCodes(t, cols, rows)]).toEqual([...src]);
    }
  });
});

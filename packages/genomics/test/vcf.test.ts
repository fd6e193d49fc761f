import { describe, expect, it } from "vitest";
import { GenotypeFormatError, MISSING, readVcf, SnpPanel, unpackCounts } from "../src/index";

const HEAD = [
  "##fileformat=VCFv4.3",
  "##contig=<ID=1>",
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
];
const COLS = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3";

async function fail(p: Promise<unknown>): Promise<GenotypeFormatError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GenotypeFormatError);
  return e as GenotypeFormatError;
}

describe("VCF reader", () => {
  const body = [
    "1\t100\trs1\tA\tG\t.\tPASS\t.\tGT:DP\t0/0:10\t0|1:12\t1/1:9",
    "1\t150\trs2\tAT\tA\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1", // indel
    "1\t200\trs3\tC\tT,G\t.\tPASS\t.\tGT\t0/0\t0/2\t1/1", // multi-allelic
    "1\t250\trs4\tG\t.\t.\tPASS\t.\tGT\t0/0\t0/0\t0/0", // monomorphic
    "1\t300\trs5\tT\tC\t.\tPASS\t.\tDP\t3\t4\t5", // no GT
    "1\t350\t.\tc\tt\t.\tPASS\t.\tGT\t1|0\t./.\t.", // lower-case bases, no ID, missing forms
    "1\t400\trs7\tA\tT\t.\tPASS\t.\tGT\t0\t1\t.|.", // haploid calls count as homozygous
  ];

  it("reads biallelic SNP GTs (phased or not), skips and counts everything else", async () => {
    const v = await readVcf([...HEAD, COLS, ...body].join("\r\n") + "\r\n");
    expect(v.panel.markers.map((m) => [m.name, m.position, m.a, m.b])).toEqual([
      ["rs1", 100, "A", "G"],
      ["1:350", 350, "C", "T"],
      ["rs7", 400, "A", "T"],
    ]);
    expect(v.skipped).toEqual({ indel: 1, multiallelic: 1, monomorphic: 1, noGt: 1, notOnPanel: 0 });
    const row = (i: number) => [...unpackCounts(v.genotypes.data.subarray(i, i + 1), 3)];
    expect(row(0)).toEqual([0, 1, 0]);
    expect(row(1)).toEqual([1, MISSING, 2]);
    expect(row(2)).toEqual([2, MISSING, MISSING]);
  });

  it("aligns to a panel: REF/ALT in the other order are mirrored, complemented letters are not flipped", async () => {
    const panel = new SnpPanel([
      { name: "rs7", chrom: "1", position: 400, a: "A", b: "T" },
      { name: "rs1", chrom: "1", position: 100, a: "G", b: "A" }, // reversed: mirrored
      { name: "1:350", chrom: "1", position: 350, a: "G", b: "A" }, // complement of C/T: a conflict, missing
      { name: "absent", chrom: "1", position: 1, a: "A", b: "C" },
    ]);
    const v = await readVcf([...HEAD, COLS, ...body].join("\n"), { panel });
    const row = (i: number) => [...unpackCounts(v.genotypes.data.subarray(i, i + 1), 4)];
    expect(row(0)).toEqual([0, 2, MISSING, MISSING]); // rs1 0/0 = two copies of the panel's B allele A
    expect(row(1)).toEqual([2, 1, MISSING, MISSING]);
    expect(row(2)).toEqual([MISSING, 0, MISSING, MISSING]);
    expect(v.skipped.notOnPanel).toBe(0);
  });

  it("a VCF with no GT field at all is an error", async () => {
    const sitesOnly = await fail(
      readVcf(
        ["##fileformat=VCFv4.2", "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO", "1\t1\trs1\tA\tG\t.\t.\t."].join(
          "\n",
        ),
      ),
    );
    expect(sitesOnly.code).toBe("NO_GT");
    expect(sitesOnly.message).toMatch(/no FORMAT and sample columns/);
    const noGt = await fail(
      readVcf(
        [
          "##fileformat=VCFv4.2",
          COLS,
          "1\t1\trs1\tA\tG\t.\t.\t.\tDP\t1\t2\t3",
          "1\t2\trs2\tA\tG\t.\t.\t.\tDP\t1\t2\t3",
        ].join("\n"),
      ),
    );
    expect(noGt.code).toBe("NO_GT");
    expect(noGt.message).toMatch(/no GT field: none of its 2 records/);
  });

  it("errors: truncated record, non-biallelic GT, duplicate sample, missing header, empty", async () => {
    const t = await fail(readVcf([...HEAD, COLS, body[0]!.slice(0, 30)].join("\n")));
    expect(t.code).toBe("TRUNCATED");
    expect(t.line).toBe(6);
    const gt = await fail(readVcf([...HEAD, COLS, "1\t1\trs1\tA\tG\t.\t.\t.\tGT\t0/0\t0/3\t1/1"].join("\n")));
    expect(gt.code).toBe("BAD_ALLELE");
    expect(gt.message).toMatch(/GT "0\/3" of sample S2 at rs1/);
    expect((await fail(readVcf([...HEAD, COLS.replace("S3", "S1")].join("\n")))).code).toBe("DUPLICATE_SAMPLE");
    expect((await fail(readVcf([COLS, body[0]].join("\n")))).code).toBe("BAD_HEADER");
    expect((await fail(readVcf(""))).code).toBe("EMPTY");
  });
});

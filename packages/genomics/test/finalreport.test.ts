import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  deriveAlleleSets,
  FinalReportReader,
  GenotypeFormatError,
  MISSING,
  readFinalReport,
  SnpPanel,
  unpackCounts,
  type AllelePair,
  type FinalReportOptions,
  type SnpMarker,
} from "../src/index";

// Five SNPs with known Illumina designs. Design alleles are on the probe strand; Top/Forward
// follow from IlmnStrand/SourceStrand. S3 (A/T) and S4 (C/G) are strand-ambiguous.
function marker(
  name: string,
  pos: number,
  design: AllelePair,
  ilmnStrand: string,
  sourceStrand: string,
  refStrand: string,
): SnpMarker {
  const s = deriveAlleleSets({ design, ilmnStrand, sourceStrand, refStrand });
  return { name, chrom: "1", position: pos, a: s.top![0], b: s.top![1], ...s, ilmnStrand, sourceStrand, refStrand };
}
const panel = new SnpPanel([
  marker("S1", 100, ["A", "G"], "TOP", "TOP", "+"), // top A/G, forward A/G
  marker("S2", 200, ["T", "C"], "BOT", "BOT", "-"), // top A/G, forward T/C, plus A/G
  marker("S3", 300, ["A", "T"], "TOP", "BOT", "+"), // top A/T, forward T/A
  marker("S4", 400, ["G", "C"], "BOT", "TOP", "-"), // top C/G, forward C/G, design G/C
  marker("S5", 500, ["A", "C"], "TOP", "TOP", "+"),
]);

type Row = [snp: string, sample: string, ab1: string, ab2: string, gc: string];
// Two samples. Expected B counts: X1 = [0, 1, 2, 1, missing], X2 = [2, 2, 0, 0, 1]
const ROWS: Row[] = [
  ["S1", "X1", "A", "A", "0.91"],
  ["S2", "X1", "A", "B", "0.88"],
  ["S3", "X1", "B", "B", "0.75"],
  ["S4", "X1", "A", "B", "0.66"],
  ["S5", "X1", "-", "-", "0.00"],
  ["S1", "X2", "B", "B", "0.93"],
  ["S2", "X2", "B", "B", "0.80"],
  ["S3", "X2", "A", "A", "0.71"],
  ["S4", "X2", "A", "A", "0.52"],
  ["S5", "X2", "A", "B", "0.64"],
];
const EXPECTED = [
  [0, 1, 2, 1, MISSING],
  [2, 2, 0, 0, 1],
];

/** Letters of a call in an allele set, from the AB call and the panel. */
function inSet(snp: string, x: string, set: "top" | "forward" | "plus" | "design"): string {
  if (x === "-") return "-";
  const p = panel.get(snp)![set]!;
  return x === "A" ? p[0] : p[1];
}

function header(nSnps = 5, nSamples = 2, sep = "\t"): string[] {
  return [
    "[Header]",
    `GSGT Version${sep}2.0.4`,
    `Processing Date${sep}1/2/2026 3:04 PM`,
    `Num SNPs${sep}${nSnps}`,
    `Num Samples${sep}${nSamples}`,
    "[Data]",
  ];
}

function longReport(
  opts: { sep?: string; eol?: (i: number) => string; rows?: Row[]; nSnps?: number; nSamples?: number } = {},
): string {
  const sep = opts.sep ?? "\t";
  const lines = [
    ...header(opts.nSnps, opts.nSamples, sep),
    [
      "SNP Name",
      "Sample ID",
      "Allele1 - AB",
      "Allele2 - AB",
      "Allele1 - Top",
      "Allele2 - Top",
      "Allele1 - Forward",
      "Allele2 - Forward",
      "GC Score",
    ].join(sep),
    ...(opts.rows ?? ROWS).map((r) =>
      [
        r[0],
        r[1],
        r[2],
        r[3],
        inSet(r[0], r[2], "top"),
        inSet(r[0], r[3], "top"),
        inSet(r[0], r[2], "forward"),
        inSet(r[0], r[3], "forward"),
        r[4],
      ].join(sep),
    ),
  ];
  const eol = opts.eol ?? (() => "\n");
  return lines.map((l, i) => l + eol(i)).join("");
}

async function counts(src: Parameters<typeof readFinalReport>[0], o: FinalReportOptions = {}): Promise<number[][]> {
  const r = await readFinalReport(src, { panel, ...o });
  return Array.from({ length: r.genotypes.nSamples }, (_, i) => [
    ...unpackCounts(r.genotypes.data.subarray(i * 2, i * 2 + 2), 5),
  ]);
}

async function failure(p: Promise<unknown>): Promise<GenotypeFormatError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GenotypeFormatError);
  return e as GenotypeFormatError;
}

describe("FinalReport reader: layouts and encodings", () => {
  it("reads AB calls into B-allele counts, '-' as missing", async () => {
    expect(await counts(longReport())).toEqual(EXPECTED);
  });

  it("handles CRLF, LF and a mix of both in one file", async () => {
    expect(await counts(longReport({ eol: () => "\r\n" }))).toEqual(EXPECTED);
    expect(await counts(longReport({ eol: (i) => (i % 3 === 0 ? "\r\n" : "\n") }))).toEqual(EXPECTED);
  });

  it("detects comma separation", async () => {
    const r = await readFinalReport(longReport({ sep: "," }), { panel });
    expect(r.summary.separator).toBe(",");
    expect(r.summary.header["Num SNPs"]).toBe("5");
    expect(await counts(longReport({ sep: "," }))).toEqual(EXPECTED);
  });

  it("finds columns by name in any order, with extra columns", async () => {
    const cols = ["Sample Index", "GC Score", "Allele2 - AB", "Sample ID", "X", "Allele1 - AB", "SNP Name", "Theta"];
    const lines = [
      ...header(),
      cols.join("\t"),
      ...ROWS.map((r, i) => [String(i), r[4], r[3], r[1], "x", r[2], r[0], "0.5"].join("\t")),
    ];
    expect(await counts(lines.join("\n") + "\n")).toEqual(EXPECTED);
  });

  it("turns calls below the GC threshold (default 0.15) into missing, and honours a chosen threshold", async () => {
    const rows = ROWS.map((r) => [...r] as Row);
    rows[0]![4] = "0.1400";
    rows[6]![4] = "0.1500";
    const r = await readFinalReport(longReport({ rows }), { panel });
    expect(r.summary.lowGcCalls).toBe(1);
    expect(await counts(longReport({ rows }))).toEqual([[MISSING, 1, 2, 1, MISSING], EXPECTED[1]]);
    expect(await counts(longReport({ rows }), { gcThreshold: 0.7 })).toEqual([
      [MISSING, 1, 2, MISSING, MISSING],
      [2, MISSING, 0, MISSING, MISSING],
    ]);
    expect(await counts(longReport({ rows }), { gcThreshold: 0 })).toEqual(EXPECTED);
  });

  it("warns when the header's Num SNPs / Num Samples disagree with the data (data wins)", async () => {
    const r = await readFinalReport(longReport({ nSnps: 54609, nSamples: 3 }), { panel });
    expect(r.genotypes.nSamples).toBe(2);
    expect(r.summary.warnings).toContain("header says Num SNPs 54609, the data has 5 SNPs per sample; the data wins");
    expect(r.summary.warnings).toContain("header says Num Samples 3, the data has 2 samples; the data wins");
  });

  it("maps Top, Forward, Plus and Design alleles to A/B through the panel", async () => {
    expect(await counts(longReport(), { alleles: "top" })).toEqual(EXPECTED);
    expect(await counts(longReport(), { alleles: "forward" })).toEqual(EXPECTED);
    // Same calls written as Plus and Design letters only.
    for (const set of ["plus", "design"] as const) {
      const label = set === "plus" ? "Plus" : "Design";
      const lines = [
        ...header(),
        `SNP Name\tSample ID\tAllele1 - ${label}\tAllele2 - ${label}\tGC Score`,
        ...ROWS.map((r) => [r[0], r[1], inSet(r[0], r[2], set), inSet(r[0], r[3], set), r[4]].join("\t")),
      ];
      expect(await counts(lines.join("\n"), { alleles: set })).toEqual(EXPECTED);
    }
  });

  it("never flips strand-ambiguous A/T and C/G SNPs: letters map by the panel's designation only", async () => {
    // S3 is A/T: Top A = "A", Top B = "T"; its Forward alleles are complemented to T/A (source BOT).
    // S4 is C/G on a BOT probe: Design alleles G/C, Top C/G.
    const lines = [
      ...header(2, 1),
      "SNP Name\tSample ID\tAllele1 - Top\tAllele2 - Top\tAllele1 - Forward\tAllele2 - Forward\tAllele1 - Design\tAllele2 - Design\tGC Score",
      "S3\tZ\tT\tT\tA\tA\tT\tT\t0.9", // Top T/T = BB (2); Forward A/A = BB (2): Forward B is A
      "S4\tZ\tC\tC\tC\tC\tG\tG\t0.9", // Top C/C = AA (0); Design G/G = AA (0): Design A is G
    ];
    const text = lines.join("\n") + "\n";
    const r = (o: FinalReportOptions) => readFinalReport(text, { panel, ...o });
    for (const alleles of ["top", "forward", "design"] as const) {
      const out = await r({ alleles });
      expect([...unpackCounts(out.genotypes.data, 5)]).toEqual([MISSING, MISSING, 2, 0, MISSING]);
      expect(out.summary.alleleMismatches).toBe(0);
    }
    // A Top call with the complement letters of a non-ambiguous SNP is a mismatch, not a flip.
    const wrong = [
      ...header(1, 1),
      "SNP Name\tSample ID\tAllele1 - Top\tAllele2 - Top\tGC Score",
      "S1\tZ\tT\tC\t0.9",
    ].join("\n");
    const w = await readFinalReport(wrong, { panel, alleles: "top" });
    expect([...unpackCounts(w.genotypes.data, 5)]).toEqual([MISSING, MISSING, MISSING, MISSING, MISSING]);
    expect(w.summary.alleleMismatches).toBe(1);
    expect(w.summary.warnings[0]).toMatch(/Top call T\/C at SNP S1 is not its alleles A\/G; set missing/);
  });

  it("reads the matrix layout (SNPs x samples)", async () => {
    const lines = [
      "[Header]",
      "Num SNPs\t5",
      "[Data]",
      "\tX1\tX2",
      "S1\tAA\tBB",
      "S2\tAB\tBB",
      "S3\tBB\tAA",
      "S4\tAB\tAA",
      "S5\t--\tAB",
    ];
    const r = await readFinalReport(lines.join("\r\n"), { panel });
    expect(r.summary.layout).toBe("matrix");
    expect(r.sampleIds).toEqual(["X1", "X2"]);
    expect(await counts(lines.join("\n"))).toEqual(EXPECTED);
  });

  it("accepts a Node Readable and a WHATWG ReadableStream, and reports bytes read", async () => {
    const text = longReport();
    const bytes = new TextEncoder().encode(text);
    expect(await counts(Readable.from([Buffer.from(bytes.subarray(0, 50)), Buffer.from(bytes.subarray(50))]))).toEqual(
      EXPECTED,
    );
    expect(await counts(new Blob([bytes]).stream())).toEqual(EXPECTED);
    const seen: number[] = [];
    const r = await readFinalReport(bytes, { panel, onProgress: (n) => seen.push(n) });
    expect(seen.at(-1)).toBe(bytes.length);
    expect(r.summary.bytesRead).toBe(bytes.length);
  });

  it("yields each sample before reading the next one's rows (memory does not grow with samples)", async () => {
    const text = longReport();
    const lines = text.split(/(?<=\n)/);
    let pulled = 0;
    async function* source() {
      for (const l of lines) {
        pulled++;
        yield new TextEncoder().encode(l);
      }
    }
    const pulledAtYield: number[] = [];
    for await (const s of new FinalReportReader(source(), { panel })) {
      pulledAtYield.push(pulled);
      expect(s.row.length).toBe(2);
    }
    // X1 is complete when the first X2 row arrives (line 13 of 17).
    expect(pulledAtYield[0]).toBe(13);
    expect(pulledAtYield[1]).toBe(lines.length);
  });

  it("builds the panel from the file when none is given (AB alleles)", async () => {
    const r = await readFinalReport(longReport());
    expect(r.summary.panel.markers.map((m) => m.name)).toEqual(["S1", "S2", "S3", "S4", "S5"]);
    expect(
      Array.from({ length: 2 }, (_, i) => [...unpackCounts(r.genotypes.data.subarray(2 * i, 2 * i + 2), 5)]),
    ).toEqual(EXPECTED);
  });
});

describe("FinalReport reader: errors name the problem and the line", () => {
  it("missing allele column", async () => {
    const lines = [...header(), "SNP Name\tSample ID\tAllele1 - AB\tGC Score", "S1\tX1\tA\t0.9"];
    const e = await failure(readFinalReport(lines.join("\n"), { panel }));
    expect(e.code).toBe("MISSING_COLUMN");
    expect(e.line).toBe(7);
    expect(e.message).toMatch(/^line 7: FinalReport: missing required column "Allele2 - AB"/);
    const e2 = await failure(readFinalReport(longReport(), { panel, alleles: "plus" }));
    expect(e2.message).toMatch(/missing required column "Allele1 - Plus"/);
    const e3 = await failure(
      readFinalReport([...header(), "Sample ID\tAllele1 - AB\tAllele2 - AB", "X1\tA\tB"].join("\n"), { panel }),
    );
    expect(e3.message).toMatch(/missing required column "SNP Name"/);
  });

  it("file truncated mid-row", async () => {
    const text = longReport();
    const e = await failure(readFinalReport(text.slice(0, text.length - 12), { panel }));
    expect(e.code).toBe("TRUNCATED");
    expect(e.line).toBe(17);
    expect(e.message).toMatch(/file ends mid-row: \d of 9 columns/);
  });

  it("file cut right after a line break inside the last sample", async () => {
    // Three of X2's five rows, the file ending on a newline: every row whole, the sample not.
    const cut = await failure(readFinalReport(longReport({ rows: ROWS.slice(0, 8) }), { panel }));
    expect(cut.code).toBe("TRUNCATED");
    expect(cut.message).toMatch(
      /file ends inside the last sample: sample X2 has 3 of the first sample's 5 SNPs and stops before its last one/,
    );
    const asX3 = (rows: Row[]) => rows.map((r) => [r[0], "X3", r[2], r[3], r[4]] as Row);
    // Not the file's end: a short sample in the middle, a last sample missing a middle row (it still
    // ends on the first sample's last SNP), a first sample with a repeated row before a whole last one.
    const middle = [...ROWS.slice(0, 8), ...asX3(ROWS.slice(0, 5))];
    const read = await readFinalReport(longReport({ rows: middle, nSamples: 3 }), { panel });
    expect(read.sampleIds).toEqual(["X1", "X2", "X3"]);
    expect(read.summary.warnings.join("\n")).toMatch(/sample X2 \(line \d+\) has rows for 3 of the panel's 5 SNPs/);
    const gap = [...ROWS.slice(0, 5), ...ROWS.slice(5, 7), ...ROWS.slice(8, 10)];
    expect((await readFinalReport(longReport({ rows: gap }), { panel })).sampleIds).toEqual(["X1", "X2"]);
    const repeatedRow = [...ROWS.slice(0, 5), ROWS[4]!, ...ROWS.slice(5, 10)];
    expect((await readFinalReport(longReport({ rows: repeatedRow }), { panel })).sampleIds).toEqual(["X1", "X2"]);
    // A sample's rows split in blocks, the last block short: the caller discards that sample, not the file.
    const split = [...ROWS.slice(0, 5), ...ROWS.slice(5, 10), ...ROWS.slice(0, 2)];
    const kept = await readFinalReport(longReport({ rows: split }), { panel, duplicateSamples: "keep" });
    expect(kept.sampleIds).toEqual(["X1", "X2", "X1"]);
  });

  it("binary garbage, at the start or inside the data", async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) & 255);
    const e = await failure(readFinalReport(garbage, { panel }));
    expect(e.code).toBe("BINARY");
    expect(e.line).toBe(1);
    const text = longReport();
    const i = text.indexOf("S3\tX2");
    const bytes = new TextEncoder().encode(text);
    bytes[i + 1] = 0;
    const e2 = await failure(readFinalReport(bytes, { panel }));
    expect(e2.code).toBe("BINARY");
    expect(e2.line).toBe(15);
    const gz = await failure(readFinalReport(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), { panel }));
    expect(gz.code).toBe("COMPRESSED");
  });

  it("duplicate sample IDs", async () => {
    const rows = [...ROWS, ...ROWS.slice(0, 5)];
    const e = await failure(readFinalReport(longReport({ rows }), { panel }));
    expect(e.code).toBe("DUPLICATE_SAMPLE");
    expect(e.line).toBe(18);
    expect(e.message).toMatch(/duplicate sample ID "X1"/);
  });

  it("SNPs not on the panel are counted, or fail when asked", async () => {
    const rows = ROWS.map((r) => [...r] as Row);
    rows[1]![0] = "NOPE";
    rows[7]![0] = "NOPE";
    rows[8]![0] = "ALSO_NOT";
    const text = [
      ...header(),
      "SNP Name\tSample ID\tAllele1 - AB\tAllele2 - AB\tGC Score",
      ...rows.map((r) => r.join("\t")),
    ].join("\n");
    const r = await readFinalReport(text, { panel });
    expect(r.summary.unknownSnpRows).toBe(3);
    expect(r.summary.unknownSnps).toBe(2);
    expect(r.summary.warnings).toContain("3 rows (2 distinct SNPs) name SNPs not on the panel; they were ignored");
    expect(
      Array.from({ length: 2 }, (_, i) => [...unpackCounts(r.genotypes.data.subarray(2 * i, 2 * i + 2), 5)]),
    ).toEqual([
      [0, MISSING, 2, 1, MISSING],
      [2, 2, MISSING, MISSING, 1],
    ]);
    const e = await failure(readFinalReport(text, { panel, unknownSnps: "error" }));
    expect(e.code).toBe("UNKNOWN_SNP");
    expect(e.line).toBe(9);
    expect(e.message).toMatch(/SNP "NOPE" is not on the panel/);
  });

  it("empty file, header-only file, [Data] without rows, not a FinalReport", async () => {
    expect((await failure(readFinalReport("", { panel }))).code).toBe("EMPTY");
    const headerOnly = await failure(readFinalReport(header().slice(0, 5).join("\n") + "\n", { panel }));
    expect(headerOnly.code).toBe("NO_DATA");
    expect(headerOnly.message).toMatch(/header-only/);
    const noRows = await failure(
      readFinalReport([...header(), "SNP Name\tSample ID\tAllele1 - AB\tAllele2 - AB"].join("\r\n") + "\r\n", {
        panel,
      }),
    );
    expect(noRows.code).toBe("NO_DATA");
    expect(noRows.message).toMatch(/no data rows/);
    const csv = await failure(readFinalReport("a,b,c\n1,2,3\n", { panel }));
    expect(csv.code).toBe("BAD_HEADER");
    expect(csv.line).toBe(1);
  });

  it("a row with the wrong number of columns in the middle", async () => {
    const text = longReport().replace("S2\tX2\tB\tB", "S2\tX2\tB");
    const e = await failure(readFinalReport(text, { panel }));
    expect(e.code).toBe("BAD_ROW");
    expect(e.line).toBe(14);
  });
});

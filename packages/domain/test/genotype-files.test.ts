// The filesystem blob store (size and SHA-256 while streaming, atomic rename, id-only keys) and
// the content sniffer for genotype uploads.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genotypes } from "../src";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "reprotech-blobs-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("FileBlobStore", () => {
  it("stores a stream, reporting its size and SHA-256, and reads it back", async () => {
    const store = new genotypes.FileBlobStore(root);
    const chunks = [Buffer.from("hello "), Buffer.from("genotypes"), Buffer.alloc(100_000, 7)];
    const all = Buffer.concat(chunks);
    const key = genotypes.uploadBlobKey("0b7c2a4e-1111-4222-8333-444455556666", "9f0e1d2c-aaaa-4bbb-8ccc-dddd00001111");
    const stored = await store.put(key, Readable.from(chunks));
    expect(stored).toEqual({ bytes: all.length, sha256: createHash("sha256").update(all).digest("hex") });
    const back: Buffer[] = [];
    for await (const c of await store.get(key)) back.push(c as Buffer);
    expect(Buffer.concat(back).equals(all)).toBe(true);
    expect(await store.exists(key)).toBe(true);
    expect((await readdir(root, { recursive: true })).some((f) => f.endsWith(".tmp"))).toBe(false);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    await store.delete(key); // missing: not an error
  });

  it("leaves no blob and no temp file when the source fails midway", async () => {
    const store = new genotypes.FileBlobStore(root);
    async function* failing() {
      yield new Uint8Array([1, 2, 3]);
      throw new Error("connection reset");
    }
    await expect(store.put("raw-snp-files/customer-x/broken", failing())).rejects.toThrow(/connection reset/);
    const files = await readdir(path.join(root, "raw-snp-files", "customer-x")).catch(() => []);
    expect(files).toEqual([]);
  });

  it("accepts only keys made of lower-case id segments", async () => {
    const store = new genotypes.FileBlobStore(root);
    for (const key of ["../etc/passwd", "/abs/path", "a/../b", "a//b", "A/B", "a/b.txt", ""])
      await expect(store.put(key, Readable.from([Buffer.from("x")]))).rejects.toThrow(/Not a blob key/);
    expect(await readFile(path.join(root, "..", "etc", "passwd")).catch(() => null)).toBeNull();
  });
});

describe("sniffGenotypeFormat", () => {
  const sniff = (s: string | Uint8Array, complete = true) =>
    genotypes.sniffGenotypeFormat(typeof s === "string" ? new TextEncoder().encode(s) : s, complete);

  it("reads the format from the content", () => {
    expect(sniff("[Header]\nGSGT Version,2\n[Data]\nSNP Name,Sample ID\nsnp1,S1\n")).toBe("final_report");
    expect(sniff("\ufeff[Header]\n[Data]\nSNP Name,Sample ID\nsnp1,S1\n")).toBe("final_report");
    expect(
      sniff(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n1\t1\ta\tA\tG\t.\t.\t.\tGT\t0/1\n",
      ),
    ).toBe("vcf");
    expect(sniff("F S 0 0 1 -9 A A C G\n")).toBe("ped");
    // A head cut mid-file: the rows are further on.
    expect(sniff("[Header]\nGSGT Version,2\n", false)).toBe("final_report");
  });

  it("refuses what is not a readable genotype file, saying why", () => {
    expect(() => sniff("")).toThrow(/empty/);
    expect(() => sniff(new Uint8Array([0x1f, 0x8b, 8, 0]))).toThrow(/compressed/);
    expect(() => sniff(new Uint8Array([0x50, 0x4b, 3, 4]))).toThrow(/compressed/);
    expect(() => sniff(new Uint8Array([65, 0, 66]))).toThrow(/binary/);
    expect(() => sniff("[Header]\n[Data]\nSNP Name,Sample ID\n")).toThrow(/only its header/);
    expect(() => sniff("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")).toThrow(
      /no sample columns/,
    );
    expect(() => sniff("F S 0 0 1 -9 A A C\n")).toThrow(/Unrecognised/);
    expect(() => sniff("just some text\n")).toThrow(/Unrecognised/);
  });
});

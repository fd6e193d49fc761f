// genotypes.panels.* and genotypes.upload: panels registered from a PLINK .map, uploads streamed to
// the filesystem blob store with their SHA-256, the format read from the content, bad files refused
// with nothing written, idempotency by content and by key, the ingest job enqueued once, and
// tenancy (B's staff can neither upload for A nor see A's uploads). The size guard over HTTP.
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypeIngestQueue } from "@reprotech/cache";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../support/app";
import { callerFor, createWorld, type World } from "../../support/identity";
import { expectFailure } from "../animals/support";
import { registerMapPanel } from "./support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

let world: World;
let dataDir: string;
let techA: Api;
let techB: Api;
let adminApi: Api;
let userA: Api;
let panelId: string;

const MAP = ["1 snp1 0 1000", "1 snp2 0 2000", "2 snp3 0 3000", "2 snp4 0 4000"].join("\n") + "\n";

function finalReport(sampleIds: string[]): string {
  const rows = sampleIds.flatMap((s) => ["snp1", "snp2", "snp3", "snp4"].map((snp) => `${snp},${s},A,B,0.91`));
  return [
    "[Header]",
    "GSGT Version,2.0.4",
    "Num SNPs,4",
    `Num Samples,${sampleIds.length}`,
    "[Data]",
    "SNP Name,Sample ID,Allele1 - AB,Allele2 - AB,GC Score",
    ...rows,
    "",
  ].join("\n");
}

function uploadForm(fields: {
  customerId: string;
  content?: string | Uint8Array;
  name?: string;
  panelId?: string;
  idempotencyKey?: string;
}) {
  const fd = new FormData();
  fd.set("customerId", fields.customerId);
  if (fields.content !== undefined) fd.set("file", new File([fields.content], fields.name ?? "report.txt"));
  fd.set("panelId", fields.panelId ?? panelId);
  if (fields.idempotencyKey) fd.set("idempotencyKey", fields.idempotencyKey);
  return fd;
}

const uploadRows = async (customerId: string) =>
  (await world.owner.query(`SELECT count(*)::int AS n FROM genotype_uploads WHERE customer_id = $1`, [customerId]))
    .rows[0].n as number;

async function blobFiles(): Promise<string[]> {
  const root = path.join(dataDir, "blobs");
  return (await readdir(root, { recursive: true }).catch(() => [] as string[])).sort();
}

const waitingJobs = async () => (await world.deps.runtime.queues.counts(genotypeIngestQueue)).waiting;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-genotypes-"));
  // Its own queue prefix: a worker started by another test file must not take these ingest jobs.
  world = await createWorld({ DATA_DIR: dataDir, REDIS_KEY_PREFIX: `test:genotypes-${randomUUID().slice(0, 8)}:` });
  techA = (await callerFor(world, world.usersA.technician.email)).caller;
  techB = (await callerFor(world, world.usersB.technician.email)).caller;
  adminApi = (await callerFor(world, world.usersA.admin.email)).caller;
  userA = (await callerFor(world, world.usersA.customer_user.email)).caller;
  panelId = await registerMapPanel(techA, MAP, "Test chip", "1.0");
});
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("SNP panels", () => {
  it("registers a panel from a .map file and lists it to every reader", async () => {
    const panels = await userA.genotypes.panels.list();
    const panel = panels.find((p) => p.id === panelId);
    expect(panel).toMatchObject({ version: "1.0", markerCount: 4, sourceFormat: "map" });
    expect(panel!.sourceSha256).toBe(createHash("sha256").update(MAP).digest("hex"));
    const { rows } = await world.owner.query(`SELECT marker_map FROM snp_panels WHERE id = $1`, [panelId]);
    const { genotypes } = await import("@reprotech/domain");
    const decoded = genotypes.decodeMarkerMap(rows[0].marker_map as Buffer);
    expect(decoded.markers.map((m) => m.name)).toEqual(["snp1", "snp2", "snp3", "snp4"]);
  });

  it("registers from a .bim, refuses a duplicate name + version, bad files and non-managers", async () => {
    const name = `Bim chip ${randomUUID().slice(0, 8)}`;
    const form = (content: string, version = "2") => {
      const fd = new FormData();
      fd.set("name", name);
      fd.set("version", version);
      fd.set("file", new File([content], "chip.bim"));
      return fd;
    };
    const bim = "1\tsnpA\t0\t100\tA\tG\n1\tsnpB\t0\t200\tC\tT\n";
    expect(await adminApi.genotypes.panels.register(form(bim))).toMatchObject({ markerCount: 2, sourceFormat: "bim" });
    await expectFailure(adminApi.genotypes.panels.register(form(bim)), "CONFLICT", /already exists/);
    await expectFailure(adminApi.genotypes.panels.register(form("", "3")), "BAD_REQUEST", /empty/);
    await expectFailure(
      adminApi.genotypes.panels.register(form("hello world\n", "4")),
      "BAD_REQUEST",
      /not an Illumina/,
    );
    await expectFailure(userA.genotypes.panels.register(form(bim, "5")), "FORBIDDEN", /./);
  });
});

describe("genotypes.upload", () => {
  it("stores the file under a key made of ids, with its size and SHA-256, and enqueues one ingest job", async () => {
    const content = finalReport(["S1", "S2"]);
    const waiting = await waitingJobs();
    const { upload, created } = await techA.genotypes.upload(
      uploadForm({ customerId: world.customerA, content, name: "../../etc/Report 1.txt" }),
    );
    expect(created).toBe(true);
    expect(upload).toMatchObject({
      customerId: world.customerA,
      uploaderId: world.usersA.technician.id,
      originalFileName: "Report 1.txt",
      byteSize: Buffer.byteLength(content),
      sha256: createHash("sha256").update(content).digest("hex"),
      format: "final_report",
      panelId,
      status: "queued",
    });
    const { rows } = await world.owner.query(`SELECT blob_key FROM genotype_uploads WHERE id = $1`, [upload.id]);
    expect(rows[0].blob_key).toBe(`raw-snp-files/customer-${world.customerA}/${upload.id}`);
    const stored = await readFile(path.join(dataDir, "blobs", ...String(rows[0].blob_key).split("/")), "utf8");
    expect(stored).toBe(content);
    expect((await blobFiles()).some((f) => f.endsWith(".tmp"))).toBe(false);
    expect(await waitingJobs()).toBe(waiting + 1);
    expect(await techA.genotypes.uploads.get({ uploadId: upload.id })).toEqual(upload);
  });

  it("detects VCF and PLINK .ped from the content, whatever the file is called", async () => {
    const vcf = [
      "##fileformat=VCFv4.2",
      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
      "1\t1000\tsnp1\tA\tG\t.\t.\t.\tGT\t0/1",
      "",
    ].join("\n");
    const ped = "F1 S1 0 0 2 -9 A G A A C T G G\n";
    const a = await techA.genotypes.upload(uploadForm({ customerId: world.customerA, content: vcf, name: "x.txt" }));
    const b = await techA.genotypes.upload(uploadForm({ customerId: world.customerA, content: ped, name: "x.vcf" }));
    expect(a.upload.format).toBe("vcf");
    expect(b.upload.format).toBe("ped");
  });

  const bad: [string, string | Uint8Array, RegExp][] = [
    ["a 0-byte file", "", /empty/i],
    ["a header-only FinalReport", finalReport([]), /only its header/i],
    ["a FinalReport without [Data]", "[Header]\nGSGT Version,2.0.4\n", /no \[Data\]/i],
    [
      "a header-only VCF",
      "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n",
      /only its header/i,
    ],
    ["binary garbage", new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), /binary/i],
    ["a gzip file", new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]), /compressed/i],
    ["text in no genotype format", "name,breed\nDaisy,HO\n", /unrecognised genotype file/i],
  ];
  for (const [what, content, message] of bad) {
    it(`refuses ${what} and writes nothing`, async () => {
      const rows = await uploadRows(world.customerA);
      const files = await blobFiles();
      await expectFailure(
        techA.genotypes.upload(uploadForm({ customerId: world.customerA, content })),
        "BAD_REQUEST",
        message,
      );
      expect(await uploadRows(world.customerA)).toBe(rows);
      expect(await blobFiles()).toEqual(files);
    });
  }

  it("refuses a missing file, a bad idempotency key and an unknown panel, writing nothing", async () => {
    const rows = await uploadRows(world.customerA);
    await expectFailure(techA.genotypes.upload(uploadForm({ customerId: world.customerA })), "BAD_REQUEST", /file/);
    await expectFailure(
      techA.genotypes.upload(
        uploadForm({ customerId: world.customerA, content: finalReport(["S9"]), idempotencyKey: "has space" }),
      ),
      "BAD_REQUEST",
      /idempotencyKey/,
    );
    await expectFailure(
      techA.genotypes.upload(
        uploadForm({ customerId: world.customerA, content: finalReport(["S9"]), panelId: randomUUID() }),
      ),
      "NOT_FOUND",
      /panel/i,
    );
    expect(await uploadRows(world.customerA)).toBe(rows);
  });

  it("is idempotent: the same bytes, or the same key, give back the earlier upload and nothing new", async () => {
    const content = finalReport(["IDEM1"]);
    const first = await techA.genotypes.upload(
      uploadForm({ customerId: world.customerA, content, idempotencyKey: "batch-42" }),
    );
    expect(first.created).toBe(true);
    const rows = await uploadRows(world.customerA);
    const files = await blobFiles();
    const waiting = await waitingJobs();

    const sameBytes = await techA.genotypes.upload(uploadForm({ customerId: world.customerA, content, name: "b.txt" }));
    expect(sameBytes).toEqual({ upload: first.upload, created: false });
    const sameKey = await adminApi.genotypes.upload(
      uploadForm({ customerId: world.customerA, content: finalReport(["OTHER"]), idempotencyKey: "batch-42" }),
    );
    expect(sameKey).toEqual({ upload: first.upload, created: false });
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => techA.genotypes.upload(uploadForm({ customerId: world.customerA, content }))),
    );
    for (const r of concurrent) expect(r.upload.id).toBe(first.upload.id);

    expect(await uploadRows(world.customerA)).toBe(rows);
    expect(await blobFiles()).toEqual(files);
    expect(await waitingJobs()).toBe(waiting);

    // The same bytes for another customer are that customer's own upload.
    const forB = await adminApi.genotypes.upload(uploadForm({ customerId: world.customerB, content }));
    expect(forB.created).toBe(true);
    expect(forB.upload.id).not.toBe(first.upload.id);
  });

  it("keeps farms apart: B's staff cannot upload for A nor see A's uploads", async () => {
    const a = await techA.genotypes.upload(uploadForm({ customerId: world.customerA, content: finalReport(["TEN"]) }));
    const rows = await uploadRows(world.customerA);
    await expectFailure(
      techB.genotypes.upload(uploadForm({ customerId: world.customerA, content: finalReport(["STOLEN"]) })),
      "NOT_FOUND",
      /customer not found/i,
    );
    expect(await uploadRows(world.customerA)).toBe(rows);
    await expectFailure(techB.genotypes.uploads.get({ uploadId: a.upload.id }), "NOT_FOUND", /upload not found/i);
    const listB = await techB.genotypes.uploads.list({});
    expect(listB.every((u) => u.customerId === world.customerB)).toBe(true);
    await expectFailure(techB.genotypes.uploads.list({ customerId: world.customerA }), "NOT_FOUND", /./);
    const userB = (await callerFor(world, world.usersB.customer_user.email)).caller;
    expect((await userB.genotypes.uploads.list({})).some((u) => u.customerId === world.customerA)).toBe(false);
    // A's own farm user sees it; customer roles may read but not upload.
    expect((await userA.genotypes.uploads.list({})).map((u) => u.id)).toContain(a.upload.id);
    await expectFailure(
      userA.genotypes.upload(uploadForm({ customerId: world.customerA, content: finalReport(["X"]) })),
      "FORBIDDEN",
      /./,
    );
  });
});

describe("the size guard over HTTP", () => {
  it("refuses an upload over GENOTYPE_UPLOAD_MAX_MB from its Content-Length, unread", async () => {
    const server = await startTestApp({ GENOTYPE_UPLOAD_MAX_MB: "1", DATA_DIR: dataDir });
    try {
      const res = await server.app.inject({
        method: "POST",
        url: "/trpc/genotypes.upload",
        headers: { host: "localhost", origin: "http://localhost", "content-type": "multipart/form-data; boundary=x" },
        payload: Buffer.alloc(3 * 1024 * 1024, 0x41),
      });
      expect(res.statusCode).toBe(413);
      expect(res.body).toMatch(/larger than the 1 MB limit/);
      const batched = await server.app.inject({
        method: "POST",
        url: "/trpc/system.ping,genotypes.upload?batch=1",
        headers: { host: "localhost", origin: "http://localhost", "content-type": "multipart/form-data; boundary=x" },
        payload: Buffer.alloc(3 * 1024 * 1024, 0x41),
      });
      expect(batched.statusCode).toBe(413);
    } finally {
      await server.close();
    }
  });
});

// genotypes.upload puts the file in the blob store OUTSIDE any database transaction: a 2 GB copy or
// S3 upload inside the tenant transaction would pin a pool connection and outlive the transaction's
// timeout. The app's own FileBlobStore.put is wrapped (the real put still runs) so that, while a put
// is in progress, pg_stat_activity is read for this app's connections (tagged with their own
// application_name): none may be inside a transaction. A put slower than the tenant transaction
// timeout (30 s, packages/db/src/tenant.ts) still records the upload. The guarantees around it stay:
// out-of-reach customers and read-only roles never reach the put, duplicates keep no second blob,
// and a failure after the put leaves neither row nor blob.
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { genotypeIngestQueue } from "@reprotech/cache";
import { genotypes } from "@reprotech/domain";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runServices } from "../../support/app";
import { callerFor, createWorld, type World } from "../../support/identity";
import { expectFailure } from "../animals/support";
import { registerMapPanel } from "./support";

type Api = Awaited<ReturnType<typeof callerFor>>["caller"];

/** withTenant's default transaction timeout (packages/db/src/tenant.ts). */
const TENANT_TX_TIMEOUT_MS = 30_000;
const APP_NAME = `upload-tx-${randomUUID().slice(0, 8)}`;
const MAP = ["1 snp1 0 1000", "1 snp2 0 2000", "2 snp3 0 3000", "2 snp4 0 4000"].join("\n") + "\n";

let world: World;
let dataDir: string;
let techA: Api;
let panelId: string;

function finalReport(sampleId: string): string {
  return [
    "[Header]",
    "GSGT Version,2.0.4",
    "[Data]",
    "SNP Name,Sample ID,Allele1 - AB,Allele2 - AB,GC Score",
    ...["snp1", "snp2", "snp3", "snp4"].map((snp) => `${snp},${sampleId},A,B,0.91`),
    "",
  ].join("\n");
}

function uploadForm(customerId: string, content: string, idempotencyKey?: string) {
  const fd = new FormData();
  fd.set("customerId", customerId);
  fd.set("file", new File([content], "report.txt"));
  fd.set("panelId", panelId);
  if (idempotencyKey) fd.set("idempotencyKey", idempotencyKey);
  return fd;
}

interface Activity {
  pid: number;
  state: string | null;
  inTransaction: boolean;
  query: string;
}

/** This app's connections (its pool only, by application_name), and whether each is in a transaction. */
async function appConnections(): Promise<Activity[]> {
  const { rows } = await world.owner.query<Activity>(
    `SELECT pid, state, xact_start IS NOT NULL AS "inTransaction", query
     FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
    [APP_NAME],
  );
  return rows;
}

interface PutObservation {
  key: string;
  connections: Activity[];
}

/**
 * Wraps the app's FileBlobStore.put for upload keys: reads pg_stat_activity while the put is in
 * progress (after `delayMs`, so a transaction opened before the put would still be open), then runs
 * the real put.
 */
function observePuts(delayMs = 0): PutObservation[] {
  const seen: PutObservation[] = [];
  const realPut = genotypes.FileBlobStore.prototype.put;
  vi.spyOn(genotypes.FileBlobStore.prototype, "put").mockImplementation(async function (
    this: genotypes.FileBlobStore,
    key,
    source,
  ) {
    if (key.startsWith("raw-snp-files/")) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      seen.push({ key, connections: await appConnections() });
    }
    return realPut.call(this, key, source);
  });
  return seen;
}

const storedBlobs = async (customerId: string) =>
  readdir(path.join(dataDir, "blobs", "raw-snp-files", `customer-${customerId}`)).catch(() => [] as string[]);
const uploadRows = async (customerId: string) =>
  (await world.owner.query(`SELECT count(*)::int AS n FROM genotype_uploads WHERE customer_id = $1`, [customerId]))
    .rows[0].n as number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprotech-upload-tx-"));
  const appUrl = new URL(runServices().appUrl);
  appUrl.searchParams.set("application_name", APP_NAME);
  world = await createWorld({
    DATA_DIR: dataDir,
    DATABASE_URL: appUrl.toString(),
    REDIS_KEY_PREFIX: `test:upload-tx-${randomUUID().slice(0, 8)}:`,
  });
  techA = (await callerFor(world, world.usersA.technician.email)).caller;
  panelId = await registerMapPanel(techA, MAP, "Tx chip");
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await world?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("genotypes.upload and transactions", () => {
  it("holds no transaction open while the file is put in the blob store", async () => {
    const seen = observePuts(300);
    const result = await techA.genotypes.upload(uploadForm(world.customerA, finalReport("TX1")));
    expect(result.created).toBe(true);
    expect(seen.map((s) => s.key)).toEqual([`raw-snp-files/customer-${world.customerA}/${result.upload.id}`]);
    const during = seen[0]!.connections;
    // The probe sees this app's pool (the connections the checks before the put used)…
    expect(during.length).toBeGreaterThan(0);
    // …and none of them is inside a transaction ('idle in transaction' or active in one).
    expect(during.filter((c) => c.inTransaction)).toEqual([]);
    expect(await storedBlobs(world.customerA)).toEqual([result.upload.id]);
    expect(await world.deps.runtime.queues.counts(genotypeIngestQueue)).toMatchObject({ waiting: 1 });
    const audit = await world.owner.query(
      `SELECT action, result, customer_id::text AS "customerId" FROM audit_log WHERE target_id = $1`,
      [result.upload.id],
    );
    expect(audit.rows).toEqual([{ action: "genotypes.upload", result: "ok", customerId: world.customerA }]);
  });

  it(
    "records an upload whose put takes longer than the tenant transaction timeout",
    async () => {
      const seen = observePuts(TENANT_TX_TIMEOUT_MS + 1_500);
      const result = await techA.genotypes.upload(uploadForm(world.customerA, finalReport("SLOW"), "slow-put"));
      expect(result).toMatchObject({ created: true, upload: { status: "queued", idempotencyKey: "slow-put" } });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.connections.filter((c) => c.inTransaction)).toEqual([]);
      expect(await storedBlobs(world.customerA)).toContain(result.upload.id);
      // The same key again: the earlier upload, found before any put.
      const again = await techA.genotypes.upload(uploadForm(world.customerA, finalReport("OTHER"), "slow-put"));
      expect(again).toEqual({ upload: result.upload, created: false });
      expect(seen).toHaveLength(1);
    },
    TENANT_TX_TIMEOUT_MS + 30_000,
  );

  it("answers the same bytes with the earlier upload and keeps no second blob", async () => {
    const content = finalReport("DUP");
    const first = await techA.genotypes.upload(uploadForm(world.customerA, content));
    const blobs = await storedBlobs(world.customerA);
    const rows = await uploadRows(world.customerA);
    const seen = observePuts();
    const second = await techA.genotypes.upload(uploadForm(world.customerA, content));
    expect(second).toEqual({ upload: first.upload, created: false });
    // The duplicate was put (its hash is known only then) outside a transaction, then deleted.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.connections.filter((c) => c.inTransaction)).toEqual([]);
    expect((await storedBlobs(world.customerA)).sort()).toEqual(blobs.sort());
    expect(await uploadRows(world.customerA)).toBe(rows);
  });

  it("refuses out-of-reach customers (NOT_FOUND), read-only roles and bad customer ids before any put", async () => {
    const seen = observePuts();
    const techB = (await callerFor(world, world.usersB.technician.email)).caller;
    await expectFailure(
      techB.genotypes.upload(uploadForm(world.customerA, finalReport("B1"))),
      "NOT_FOUND",
      /Customer not found/,
    );
    const researcher = (await callerFor(world, world.usersA.researcher.email)).caller;
    await expect(researcher.genotypes.upload(uploadForm(world.consenting, finalReport("R1")))).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expectFailure(
      techA.genotypes.upload(uploadForm("not-a-uuid", finalReport("X1"))),
      "BAD_REQUEST",
      /customerId must be a UUID/,
    );
    expect(seen).toEqual([]);
    const denied = await world.owner.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'genotypes.upload' AND result = 'denied'
       AND user_id = $1 AND customer_id = $2`,
      [world.usersB.technician.id, world.customerA],
    );
    expect(denied.rows[0].n).toBe(1);
  });

  it("leaves neither row nor blob when the recording transaction fails after the put", async () => {
    const customerId = world.customerB;
    const store = genotypes.blobStoreFromConfig(world.deps.config);
    const failing = genotypes.createUpload(
      world.deps.db,
      { customerIds: [customerId], userId: null },
      store,
      {
        customerId,
        uploaderId: null,
        file: new File([finalReport("ROLLBACK")], "report.txt"),
        panelId,
      },
      async () => {
        throw new Error("audit failed");
      },
    );
    await expect(failing).rejects.toThrow("audit failed");
    expect(await uploadRows(customerId)).toBe(0);
    expect(await storedBlobs(customerId)).toEqual([]);
  });
});

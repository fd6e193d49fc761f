// What the training tests and the training benchmark share: a simulated population's animals stored
// with their packed genotypes (written as the owner straight into the tables the ingest fills — the
// pipeline itself is tested in tests/integration/genotypes — for speed), phenotype files built from the
// simulator's phenotypes, and an exact dense solve of the SNP-BLUP mixed-model equations.
import { createHash, randomInt, randomUUID } from "node:crypto";
import { sampleRow, unpackCounts, type PackedMatrix } from "@reprotech/genomics";
import type pg from "pg";

// Official IDs of this module's animals (HO + 840 + 12 digits), unique per run; no vitest import here,
// so the benchmark (run with tsx) shares this file.
const run = String(randomInt(0, 1_000_000)).padStart(6, "0");
let seq = 0;
const newOfficialId = () => `HO840${run}${String(++seq).padStart(6, "0")}`;

/** A panel of `nSnps` markers (catalogue row, as the owner; the marker map is not needed for training). */
export async function insertPanel(owner: pg.Pool, nSnps: number, label: string): Promise<string> {
  const id = randomUUID();
  await owner.query(
    `INSERT INTO snp_panels (id, name, version, marker_count, marker_map, source_sha256, source_format)
     VALUES ($1, $2, '1', $3, '\\x00', $4, 'map')`,
    [id, `${label} ${id.slice(0, 8)}`, nSnps, createHash("sha256").update(id).digest("hex")],
  );
  return id;
}

/**
 * Animals of `customerId`, one per row of `m` (or per `rows`), each with a current genotype on the
 * panel holding that packed row. Returns their official IDs in the same order. `genotyped: false`
 * stores the animals only.
 */
export async function insertGenotypedAnimals(
  owner: pg.Pool,
  customerId: string,
  panelId: string,
  m: PackedMatrix,
  options: { rows?: number[]; genotyped?: boolean } = {},
): Promise<{ ids: string[]; officialIds: string[] }> {
  const rows = options.rows ?? Array.from({ length: m.nSamples }, (_, i) => i);
  const ids = rows.map(() => randomUUID());
  const officialIds = rows.map(() => newOfficialId());
  for (let start = 0; start < rows.length; start += 1000) {
    const part = (xs: string[]) => xs.slice(start, start + 1000);
    await owner.query(
      `INSERT INTO animals (id, customer_id, official_id, breed, sex, birth_date, updated_at)
       SELECT a.id, $1, a.oid, 'HO', 'female', '2021-03-01', now() FROM unnest($2::uuid[], $3::text[]) AS a(id, oid)`,
      [customerId, part(ids), part(officialIds)],
    );
  }
  if (options.genotyped === false) return { ids, officialIds };
  const uploadId = randomUUID();
  await owner.query(
    `INSERT INTO genotype_uploads (id, customer_id, original_file_name, byte_size, sha256, blob_key, format, panel_id, status, updated_at)
     VALUES ($1, $2, 'simulated.txt', 1, $3, $4, 'final_report', $5, 'completed', now())`,
    [
      uploadId,
      customerId,
      createHash("sha256").update(uploadId).digest("hex"),
      `raw-snp-files/customer-${customerId}/${uploadId}`,
      panelId,
    ],
  );
  for (let start = 0; start < rows.length; start += 500) {
    const slice = rows.slice(start, start + 500);
    await owner.query(
      `INSERT INTO genotypes (id, customer_id, animal_id, panel_id, upload_id, packed, call_rate, heterozygosity, qc_status)
       SELECT gen_random_uuid(), $1, g.animal_id, $2, $3, g.packed, 0.998, 0.3, 'pass'
         FROM unnest($4::uuid[], $5::bytea[]) AS g(animal_id, packed)`,
      [customerId, panelId, uploadId, ids.slice(start, start + 500), slice.map((i) => Buffer.from(sampleRow(m, i)))],
    );
  }
  return { ids, officialIds };
}

/** A phenotype CSV: header + one line per record (extra columns after the value). */
export function phenotypeCsv(header: string[], records: (string | number)[][]): Uint8Array {
  const lines = [header.join(","), ...records.map((r) => r.join(","))];
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

/** In-place Cholesky solve of a dense SPD system (row-major, size d). */
export function choleskySolve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    let s = A[rowJ + j]!;
    for (let k = 0; k < j; k++) s -= A[rowJ + k]! * A[rowJ + k]!;
    if (!(s > 0)) throw new Error("matrix not positive definite");
    const ljj = Math.sqrt(s);
    A[rowJ + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const rowI = i * d;
      let t = A[rowI + j]!;
      for (let k = 0; k < j; k++) t -= A[rowI + k]! * A[rowJ + k]!;
      A[rowI + j] = t / ljj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let t = x[i]!;
    for (let k = 0; k < i; k++) t -= A[i * d + k]! * x[k]!;
    x[i] = t / A[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let t = x[i]!;
    for (let k = i + 1; k < d; k++) t -= A[k * d + i]! * x[k]!;
    x[i] = t / A[i * d + i]!;
  }
  return x;
}

/**
 * GEBVs of every row of `m` from an exact dense solve of the SNP-BLUP equations
 *   [n 1'Z; Z'1 Z'Z + lambda I] [mu; a] = [1'y; Z'y],  lambda = (1 - h2)/h2 * 2 sum p(1-p),
 * with z = x - 2p (0 when missing) over the SNPs with 0 < p < 1, trained on all rows of m.
 */
export function denseSnpBlupGebv(m: PackedMatrix, y: ArrayLike<number>, p: Float64Array, h2: number): Float64Array {
  const n = m.nSamples;
  const used: number[] = [];
  for (let j = 0; j < m.nSnps; j++) if (p[j]! > 0 && p[j]! < 1) used.push(j);
  let sum2pq = 0;
  for (const j of used) sum2pq += 2 * p[j]! * (1 - p[j]!);
  const lambda = ((1 - h2) / h2) * sum2pq;
  const d = used.length + 1;
  const X: Float64Array[] = [];
  const counts = new Int8Array(m.nSnps);
  for (let i = 0; i < n; i++) {
    unpackCounts(sampleRow(m, i), m.nSnps, counts);
    X.push(Float64Array.from([1, ...used.map((j) => (counts[j]! < 0 ? 0 : counts[j]! - 2 * p[j]!))]));
  }
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  X.forEach((x, i) => {
    for (let u = 0; u < d; u++) {
      const xu = x[u]!;
      if (xu === 0) continue;
      b[u]! += xu * y[i]!;
      for (let v = 0; v <= u; v++) A[u * d + v]! += xu * x[v]!;
    }
  });
  for (let u = 1; u < d; u++) A[u * d + u]! += lambda;
  for (let u = 0; u < d; u++) for (let v = u + 1; v < d; v++) A[u * d + v] = A[v * d + u]!;
  const sol = choleskySolve(A, b, d);
  return Float64Array.from(X, (x) => x.reduce((s, xu, u) => s + xu * sol[u]!, 0));
}

export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  return sxy / Math.sqrt(sxx * syy);
}

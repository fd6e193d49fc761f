// Worker-thread entry for the heavy kernels. Inputs arrive as SharedArrayBuffers (the packed genotypes
// are shared, never copied per worker); results are written into shared output buffers.
import { parentPort } from "node:worker_threads";
import { grmTileRows } from "../relationship/grm";
import { scoreSegments } from "../score/score";
import { summarizeGenotypes } from "../stats/frequencies";
import type { KernelRequest, KernelResponse } from "./protocol";

if (!parentPort) throw new Error("kernels.worker must run in a worker thread");
const port = parentPort;

port.on("message", (req: KernelRequest) => {
  try {
    const m = { nSamples: req.nSamples, nSnps: req.nSnps, data: new Uint8Array(req.genotypes) };
    if (req.kind === "grm-rows") {
      grmTileRows(
        m,
        new Float64Array(req.p),
        new Int32Array(req.snps),
        new Float64Array(req.out),
        req.tileRowStart,
        req.tileRowEnd,
      );
    } else if (req.kind === "summary-rows") {
      const rows = Int32Array.from({ length: req.rowEnd - req.rowStart }, (_, r) => req.rowStart + r);
      const { snps, samples } = summarizeGenotypes(m, rows);
      const out = new Uint32Array(req.out, req.partOffset * 4, 4 * req.nSnps);
      out.set(snps.hom0, 0);
      out.set(snps.het, req.nSnps);
      out.set(snps.hom2, 2 * req.nSnps);
      out.set(snps.missing, 3 * req.nSnps);
      const sOut = new Uint32Array(req.samples);
      sOut.set(samples.missing, req.rowStart);
      sOut.set(samples.het, req.nSamples + req.rowStart);
    } else {
      const effects = req.effects.map((e) => new Float64Array(e));
      const size = req.nSamples * effects.length;
      const out = new Float64Array(req.out, req.segStart * size * 8, (req.segEnd - req.segStart) * size);
      scoreSegments(m, new Float64Array(req.p), effects, req.segStart, req.segEnd, out);
    }
    port.postMessage({ id: req.id, ok: true } satisfies KernelResponse);
  } catch (e) {
    port.postMessage({
      id: req.id,
      ok: false,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    } satisfies KernelResponse);
  }
});

// Worker-thread entry for the heavy kernels. Inputs arrive as SharedArrayBuffers (the packed genotypes
// are shared, never copied per worker); results are written into shared output buffers.
import { parentPort } from "node:worker_threads";
import { grmTileRows } from "../relationship/grm";
import { scoreGenotypes } from "../score/score";
import type { KernelRequest, KernelResponse } from "./protocol";

if (!parentPort) throw new Error("kernels.worker must run in a worker thread");
const port = parentPort;

port.on("message", (req: KernelRequest) => {
  try {
    const m = { nSamples: req.nSamples, nSnps: req.nSnps, data: new Uint8Array(req.genotypes) };
    if (req.kind === "grm-rows") {
      grmTileRows(m, new Float64Array(req.p), new Int32Array(req.snps), new Float64Array(req.out), req.tileRowStart, req.tileRowEnd);
    } else {
      const effects = req.effects.map((e) => new Float64Array(e));
      const rows = Int32Array.from({ length: req.rowEnd - req.rowStart }, (_, r) => req.rowStart + r);
      const scores = scoreGenotypes(m, new Float64Array(req.p), effects, { intercepts: req.intercepts, rows });
      new Float64Array(req.out).set(scores, req.rowStart * effects.length);
    }
    port.postMessage({ id: req.id, ok: true } satisfies KernelResponse);
  } catch (e) {
    port.postMessage({ id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies KernelResponse);
  }
});

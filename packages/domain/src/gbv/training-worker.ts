// Worker-thread entry of a training's computation (training-compute.ts; the main-thread side is
// training-thread.ts). Bundled apps ship it as its own entry (tsup.app.ts, TRAINING_WORKER_BUNDLE);
// it imports only pure numeric code, never the database or the cache.
import { parentPort, workerData } from "node:worker_threads";
import { computeTraining } from "./training-compute";
import type { FromTrainer, TrainerInit } from "./training-thread";

if (!parentPort) throw new Error("training-worker must run in a worker thread");
const port = parentPort;
const init = workerData as TrainerInit;
const send = (message: FromTrainer, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  const result = computeTraining(
    { ...init, m: { nSamples: init.nSamples, nSnps: init.nSnps, data: new Uint8Array(init.genotypes) } },
    (event) => send({ type: "event", event }),
  );
  const { fit } = result;
  const buffers = [result.predicted, result.gebv, fit.effects, fit.p, fit.snpInformation].map(
    (a) => a.buffer as ArrayBuffer,
  );
  send({ type: "done", result }, [...new Set(buffers), fit.snpMask.buffer as ArrayBuffer]);
} catch (error) {
  send({ type: "error", message: error instanceof Error ? error.message : String(error) });
}

// Runs a training's computation (training-compute.ts) in a worker thread, so SNP-BLUP on thousands of
// animals × tens of thousands of SNPs never blocks the job process's event loop: BullMQ keeps renewing
// the locks of this and the process's other jobs (genotype ingest, heartbeat), and progress events go
// out while the folds run. The packed genotypes are shared (SharedArrayBuffer), results come back
// transferred. From TypeScript source the thread runs training-worker.ts through tsx; in a bundled app
// the `gbv-train.worker` bundle beside main.js (tsup.app.ts).
import { Worker } from "node:worker_threads";
import { bytesPerSample, threadEntry } from "@reprotech/genomics";
import type { ComputeEvent, ComputeInput, ComputeResult } from "./training-compute";

/** The tsup entry name of training-worker.ts in an app bundle. */
export const TRAINING_WORKER_BUNDLE = "gbv-train.worker";

export interface TrainerInit extends Omit<ComputeInput, "m"> {
  nSamples: number;
  nSnps: number;
  genotypes: SharedArrayBuffer;
}

export type FromTrainer =
  { type: "event"; event: ComputeEvent } | { type: "done"; result: ComputeResult } | { type: "error"; message: string };

export async function computeTrainingInThread(
  input: ComputeInput,
  onEvent: (e: ComputeEvent) => void,
): Promise<ComputeResult> {
  const { m, ...rest } = input;
  const genotypes = new SharedArrayBuffer(m.nSamples * bytesPerSample(m.nSnps));
  new Uint8Array(genotypes).set(m.data.subarray(0, genotypes.byteLength));
  const init: TrainerInit = { ...rest, nSamples: m.nSamples, nSnps: m.nSnps, genotypes };
  const entry = threadEntry(new URL("./training-worker.ts", import.meta.url), TRAINING_WORKER_BUNDLE);
  const worker = new Worker(entry.url, { execArgv: entry.execArgv, workerData: init });
  try {
    return await new Promise<ComputeResult>((resolve, reject) => {
      let settled = false;
      worker.on("message", (message: FromTrainer) => {
        if (message.type === "event") onEvent(message.event);
        else {
          settled = true;
          if (message.type === "done") resolve(message.result);
          else reject(new Error(message.message));
        }
      });
      worker.on("error", (error) => {
        settled = true;
        reject(error);
      });
      worker.on("exit", (code) => {
        if (!settled) reject(new Error(`training thread exited with code ${code}`));
      });
    });
  } finally {
    await worker.terminate();
  }
}

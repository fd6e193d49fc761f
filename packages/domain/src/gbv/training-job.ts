// The gbv-train job's registration (called from jobs.ts registerJobProcessors): one training at a time
// per worker process — a training holds its genotype matrix in memory and keeps a core busy.
import { gbvTrainQueue } from "@reprotech/cache";
import type { JobDeps } from "../jobs";
import { runTraining } from "./training";

export function registerTrainingJob(deps: JobDeps): void {
  deps.runtime.queues.process(
    gbvTrainQueue,
    async (payload) => {
      const outcome = await runTraining(deps.db, deps.blobs, payload, {
        cache: deps.runtime.cache,
        pubsub: deps.runtime.pubsub,
      });
      deps.log.info(outcome, "gbv training job finished");
    },
    { concurrency: 1 },
  );
}

// A small pool of worker threads for the heavy kernels, so a server or job never blocks its event loop.
//
// This package is consumed as TypeScript source (tsx, vitest) and bundled into the apps (tsup): the
// worker entry is found by threadEntry (thread-entry.ts) — kernels.worker.ts through the tsx loader from
// source, the `kernels.worker` bundle tsup.app.ts ships beside an app's main.js otherwise.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { KernelRequestBody, KernelResponse } from "./protocol";
import { threadEntry } from "./thread-entry";

/** The tsup entry name of kernels.worker.ts in an app bundle (tsup.app.ts). */
export const KERNELS_WORKER_BUNDLE = "kernels.worker";

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class KernelPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { body: KernelRequestBody; pending: Pending }[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(size = Math.max(1, Math.min(2, availableParallelism()))) {
    this.size = size;
    const entry = threadEntry(new URL("./kernels.worker.ts", import.meta.url), KERNELS_WORKER_BUNDLE);
    for (let k = 0; k < size; k++) {
      const w = new Worker(entry.url, { execArgv: entry.execArgv });
      w.on("message", (res: KernelResponse) => {
        const p = this.inFlight.get(res.id);
        this.inFlight.delete(res.id);
        w.unref(); // an idle pool does not keep the process alive
        this.idle.push(w);
        this.pump();
        if (!p) return;
        if (res.ok) p.resolve();
        else p.reject(new Error(`kernel worker failed: ${res.error}`));
      });
      w.on("error", (e) => {
        for (const p of this.inFlight.values()) p.reject(e);
        this.inFlight.clear();
      });
      w.unref();
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Runs one kernel request on the next free worker; resolves when its output buffer is written. */
  run(body: KernelRequestBody): Promise<void> {
    if (this.closed) return Promise.reject(new Error("kernel pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ body, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const { body, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.inFlight.set(id, pending);
      w.ref(); // a busy worker keeps the process alive until its result arrives
      w.postMessage({ ...body, id });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A SharedArrayBuffer copy of a typed array (or the array's own buffer when it already is one and fits exactly). */
export function toShared(a: Uint8Array | Float64Array | Int32Array): SharedArrayBuffer {
  if (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
    return a.buffer;
  const sab = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

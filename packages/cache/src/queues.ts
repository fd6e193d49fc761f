// Background job queues. Definitions live in `queue-definitions.ts` and are shared by the server
// (which enqueues) and the worker (which processes). BullMQ on Redis in production; an in-process
// runner with the same contract for the embedded single-process mode.
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import { createRedis, createWorkerRedis, type Redis } from "./redis";

export interface QueueDefinition<P> {
  readonly name: string;
  readonly attempts: number;
  readonly backoffMs: number;
  /**
   * BullMQ lock of an active job (renewed while it runs); when a worker dies, its job is retried once
   * the lock has expired and the stalled-job check (same interval) runs. Default BullMQ's 30 s.
   */
  readonly lockMs?: number;
  /** Only for typing: definitions carry their payload type. */
  readonly payload?: P;
}

export function defineQueue<P>(
  name: string,
  options: { attempts?: number; backoffMs?: number; lockMs?: number } = {},
): QueueDefinition<P> {
  return {
    name,
    attempts: options.attempts ?? 3,
    backoffMs: options.backoffMs ?? 1_000,
    ...(options.lockMs ? { lockMs: options.lockMs } : {}),
  };
}

export interface JobContext {
  jobId: string;
  /** 1 for the first try. */
  attempt: number;
  reportProgress(progress: number | object): Promise<void>;
}

export type JobHandler<P> = (payload: P, job: JobContext) => Promise<void>;

export interface JobCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** Where a job is; null when the queue holds no job under that id (never added, or removed after its retention). */
export type JobState = "waiting" | "active" | "completed" | "failed" | "delayed";

export interface Queues {
  /** Enqueues a job; with `jobId`, a job with that id that already exists is not added twice. */
  add<P>(def: QueueDefinition<P>, payload: P, options?: { jobId?: string }): Promise<string>;
  /** Runs `payload` every `everyMs`; calling it again replaces the schedule instead of adding one. */
  schedule<P>(def: QueueDefinition<P>, everyMs: number, payload: P): Promise<void>;
  process<P>(def: QueueDefinition<P>, handler: JobHandler<P>, options: { concurrency: number }): void;
  counts(def: QueueDefinition<unknown>): Promise<JobCounts>;
  state(def: QueueDefinition<unknown>, jobId: string): Promise<JobState | null>;
  /** Stops taking jobs; active jobs get until `deadlineMs` to finish, then are released for a retry. */
  close(deadlineMs: number): Promise<void>;
}

export class BullQueues implements Queues {
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** The workers' own connections: BullMQ leaves a connection it was given open, so close() quits them. */
  private readonly workerConnections: Redis[] = [];
  private readonly connection: Redis;

  constructor(
    private readonly url: string,
    keyPrefix: string,
    private readonly name: string,
  ) {
    this.prefix = `${keyPrefix}bull`;
    this.connection = createRedis(url, `${name}:queues`, { maxRetriesPerRequest: null });
  }
  private readonly prefix: string;

  private queue(def: QueueDefinition<unknown>): Queue {
    let q = this.queues.get(def.name);
    if (!q) {
      q = new Queue(def.name, { connection: this.connection as ConnectionOptions, prefix: this.prefix });
      this.queues.set(def.name, q);
    }
    return q;
  }

  async add<P>(def: QueueDefinition<P>, payload: P, options: { jobId?: string } = {}): Promise<string> {
    const job = await this.queue(def).add(def.name, payload, {
      jobId: options.jobId,
      attempts: def.attempts,
      backoff: { type: "exponential", delay: def.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return job.id!;
  }

  async schedule<P>(def: QueueDefinition<P>, everyMs: number, payload: P): Promise<void> {
    await this.queue(def).upsertJobScheduler(
      `${def.name}:every`,
      { every: everyMs },
      {
        name: def.name,
        data: payload,
        opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } },
      },
    );
  }

  process<P>(def: QueueDefinition<P>, handler: JobHandler<P>, options: { concurrency: number }): void {
    // Each worker blocks on its own connection.
    const connection = createWorkerRedis(this.url, `${this.name}:worker:${def.name}`);
    this.workerConnections.push(connection);
    const worker = new Worker<P>(
      def.name,
      async (job) => {
        await handler(job.data, {
          jobId: job.id!,
          attempt: job.attemptsMade + 1,
          reportProgress: (p) => job.updateProgress(p),
        });
      },
      {
        connection: connection as ConnectionOptions,
        prefix: this.prefix,
        concurrency: options.concurrency,
        ...(def.lockMs ? { lockDuration: def.lockMs, stalledInterval: def.lockMs } : {}),
      },
    );
    this.workers.push(worker);
  }

  async counts(def: QueueDefinition<unknown>): Promise<JobCounts> {
    const c = await this.queue(def).getJobCounts("waiting", "active", "completed", "failed", "delayed");
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      delayed: c.delayed ?? 0,
    };
  }

  async state(def: QueueDefinition<unknown>, jobId: string): Promise<JobState | null> {
    const state = await this.queue(def).getJobState(jobId);
    if (state === "unknown") return null;
    // BullMQ's finer waiting states (prioritized, waiting for children) are still waiting.
    return state === "prioritized" || state === "waiting-children" ? "waiting" : state;
  }

  /** Resolves once every worker holds its Redis connection (used at start-up and by readiness checks). */
  async waitUntilReady(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async close(deadlineMs: number): Promise<void> {
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    const timedOut = await Promise.race([graceful.then(() => false), delay(deadlineMs).then(() => true)]);
    // Forced close leaves unfinished jobs' locks to expire, so another worker retries them.
    if (timedOut) await Promise.all(this.workers.map((w) => w.close(true)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.workerConnections.map((c) => c.quit()));
    await this.connection.quit();
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

interface MemoryJob {
  id: string;
  payload: unknown;
  attempt: number;
  state: JobState;
}

/**
 * In-process queue for the embedded mode: same retry/backoff/job-id semantics as BullMQ, no
 * persistence (a restart forgets queued work, acceptable for a single-user first run).
 */
export class MemoryQueues implements Queues {
  private readonly jobs = new Map<string, Map<string, MemoryJob>>();
  private readonly handlers = new Map<string, { handler: JobHandler<unknown>; concurrency: number; running: number }>();
  private readonly defs = new Map<string, QueueDefinition<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly active = new Set<Promise<void>>();
  private nextId = 1;
  private closed = false;

  private table(def: QueueDefinition<unknown>): Map<string, MemoryJob> {
    this.defs.set(def.name, def);
    let t = this.jobs.get(def.name);
    if (!t) this.jobs.set(def.name, (t = new Map()));
    return t;
  }

  async add<P>(def: QueueDefinition<P>, payload: P, options: { jobId?: string } = {}): Promise<string> {
    const table = this.table(def);
    const id = options.jobId ?? String(this.nextId++);
    if (!table.has(id)) {
      table.set(id, { id, payload, attempt: 0, state: "waiting" });
      this.pump(def.name);
    }
    return id;
  }

  async schedule<P>(def: QueueDefinition<P>, everyMs: number, payload: P): Promise<void> {
    const timer = setInterval(() => void this.add(def, payload), everyMs);
    timer.unref();
    this.timers.push(timer);
    await this.add(def, payload);
  }

  process<P>(def: QueueDefinition<P>, handler: JobHandler<P>, options: { concurrency: number }): void {
    this.table(def);
    this.handlers.set(def.name, {
      handler: handler as JobHandler<unknown>,
      concurrency: options.concurrency,
      running: 0,
    });
    this.pump(def.name);
  }

  async counts(def: QueueDefinition<unknown>): Promise<JobCounts> {
    const counts: JobCounts = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
    for (const job of this.table(def).values()) counts[job.state]++;
    return counts;
  }

  async state(def: QueueDefinition<unknown>, jobId: string): Promise<JobState | null> {
    return this.table(def).get(jobId)?.state ?? null;
  }

  private pump(name: string): void {
    const h = this.handlers.get(name);
    const def = this.defs.get(name);
    if (!h || !def || this.closed) return;
    for (const job of this.jobs.get(name)!.values()) {
      if (h.running >= h.concurrency) return;
      if (job.state !== "waiting") continue;
      job.state = "active";
      job.attempt++;
      h.running++;
      const run = h
        .handler(job.payload, { jobId: job.id, attempt: job.attempt, reportProgress: async () => {} })
        .then(
          () => void (job.state = "completed"),
          () => {
            if (job.attempt >= def.attempts) return void (job.state = "failed");
            job.state = "delayed";
            setTimeout(
              () => {
                job.state = "waiting";
                this.pump(name);
              },
              def.backoffMs * 2 ** (job.attempt - 1),
            ).unref();
          },
        )
        .finally(() => {
          h.running--;
          this.active.delete(run);
          this.pump(name);
        });
      this.active.add(run);
    }
  }

  async close(deadlineMs: number): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.race([Promise.all(this.active), delay(deadlineMs)]);
  }
}

// Graceful shutdown on SIGTERM/SIGINT: drain (new requests get 503, in-flight ones finish), stop
// listening, release jobs, close pools, exit 0 — or exit 1 if that takes longer than the deadline.
import type { FastifyInstance } from "fastify";

export function installShutdown(
  app: FastifyInstance,
  deadlineMs: number,
  release: (remainingMs: number) => Promise<void>,
): void {
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const start = Date.now();
    app.log.info({ signal, deadlineMs }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      app.log.error({ deadlineMs }, "shutdown deadline passed; exiting with in-flight work abandoned");
      process.exit(1);
    }, deadlineMs);
    force.unref();
    try {
      await app.drain();
      await app.close();
      await release(Math.max(0, deadlineMs - (Date.now() - start)));
      app.log.info({ ms: Date.now() - start }, "shutdown complete");
      clearTimeout(force);
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

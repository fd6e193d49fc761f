// Draining for graceful shutdown. Once draining starts, the server keeps listening but answers every
// new request with 503 (so load balancers and clients retry elsewhere instead of seeing refused
// connections), while requests already in flight run to completion.
import type { FastifyInstance } from "fastify";

declare module "fastify" {
  interface FastifyInstance {
    /** Starts draining; resolves when no request that arrived before it is still running. */
    drain(): Promise<void>;
  }
}

export function installDrain(app: FastifyInstance): void {
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const tracked = new WeakSet<object>();

  app.addHook("onRequest", async (request, reply) => {
    if (draining) {
      reply.header("connection", "close").header("retry-after", "5");
      return reply.status(503).send({ error: "Server is shutting down", requestId: request.id });
    }
    inFlight++;
    tracked.add(request);
  });
  const done = async (request: object) => {
    if (!tracked.has(request)) return;
    tracked.delete(request);
    inFlight--;
    if (draining && inFlight === 0) onIdle?.();
  };
  app.addHook("onResponse", async (request) => done(request));
  // A client that hangs up mid-request must not hold the shutdown forever.
  app.addHook("onRequestAbort", async (request) => done(request));

  app.decorate("drain", () => {
    draining = true;
    if (inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => (onIdle = resolve));
  });
}

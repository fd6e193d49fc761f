// The HTTP surface: tRPC at /trpc, REST + OpenAPI at /api/v1, health probes, the built SPA.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import { appRouter, asUnavailable, createContextFactory, openApiDocument, type ApiDeps } from "@reprotech/api";
import { readStatus } from "@reprotech/domain";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import { isAllowedOrigin } from "@reprotech/auth";
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { fastifyTRPCOpenApiPlugin } from "trpc-to-openapi";
import { registerAnimalTransfer } from "./animal-transfer";
import { registerGenotypeUpload } from "./genotype-upload";
import { registerGbvDownloads } from "./gbv-report";
import { registerGenotypeExport } from "./genotype-export";
import { installDrain } from "./drain";
import { RETRY_AFTER_S, sendProcedureError } from "./procedure-error";

export interface AppOptions {
  deps: ApiDeps;
  logger: FastifyBaseLogger;
  /** Built SPA folder; not served when absent (API-only runs such as integration tests). */
  webDistDir?: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const BEARER = /^Bearer\s+\S+$/i;

/** What a procedure may know of the HTTP exchange: request facts and a way to set cookies. */
function contextInput(req: FastifyRequest, res: FastifyReply, production: boolean) {
  return {
    requestId: req.id,
    log: req.log,
    request: {
      ip: req.ip ?? null,
      userAgent: req.headers["user-agent"] ?? null,
      cookieHeader: req.headers.cookie,
      authorization: req.headers.authorization,
      // Plain-HTTP cookies only in development; production always marks them Secure.
      secure: production || req.protocol === "https",
    },
    response: {
      setCookie(value: string) {
        const current = res.getHeader("set-cookie");
        const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
        res.header("set-cookie", [...list, value]);
      },
    },
  };
}

/** Request ids: a caller's well-formed X-Request-Id is kept so logs join across services. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp({ deps, logger, webDistDir }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: "requestId" }),
    // Draining (drain.ts) answers 503 before close(); this covers keep-alive stragglers after it.
    return503OnClosing: true,
    forceCloseConnections: "idle",
    bodyLimit: 10 * 1024 * 1024,
    // Client IPs feed sign-in throttling: never believe X-Forwarded-For from arbitrary peers.
    trustProxy: false,
  });

  installDrain(app);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine injects CSS variables at runtime through <style> tags.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // HSTS belongs to the TLS terminator in front of us; on plain-HTTP development it only misleads.
    strictTransportSecurity: deps.config.NODE_ENV === "production",
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    // Overload (no database connection in time) is answered as the routes answer it.
    if (asUnavailable(error)) return sendProcedureError(request, reply, error, "request failed");
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.status(status).send({ error: "Internal server error", requestId: request.id });
    }
    return reply.status(status).send({ error: error.message, requestId: request.id });
  });

  const createContext = createContextFactory(deps);
  const allowedOrigins = deps.config.ALLOWED_ORIGINS;
  const production = deps.config.NODE_ENV === "production";

  // CSRF: a state-changing request that does not carry its own credential (an API token) rides on
  // the browser's cookie, so it must come from one of our own origins. No Origin → refused.
  app.addHook("onRequest", async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || BEARER.test(request.headers.authorization ?? "")) return;
    if (!/^\/(trpc|api)\//.test(request.url)) return;
    if (!isAllowedOrigin(request.headers.origin, request.headers.host, allowedOrigins)) {
      request.log.warn({ origin: request.headers.origin ?? null }, "cross-site request refused");
      return reply
        .status(403)
        .send({ error: "Cross-site request refused: Origin missing or not allowed", requestId: request.id });
    }
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      maxBatchSize: deps.config.TRPC_MAX_BATCH_SIZE,
      createContext: ({ req, res }) => createContext(contextInput(req, res, production)),
      onError: ({ path, error, req }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          req.log.error({ err: error.cause ?? error, path }, "procedure failed");
        else if (error.code === "SERVICE_UNAVAILABLE") req.log.warn({ err: error.cause ?? error, path }, error.message);
      },
      // A 503 (no database connection in time) says when to come back, as the REST routes' does.
      responseMeta: ({ errors }) =>
        errors.some((e) => e.code === "SERVICE_UNAVAILABLE") ? { headers: { "retry-after": RETRY_AFTER_S } } : {},
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>["trpcOptions"],
  });

  registerAnimalTransfer(
    app,
    (req, res) => createContext(contextInput(req, res, production)),
    deps.config.ANIMAL_IMPORT_MAX_MB,
    deps.config.GENOTYPE_UPLOAD_MAX_MB,
  );
  await registerGenotypeUpload(app, (req, res) => createContext(contextInput(req, res, production)), deps.config);
  registerGenotypeExport(app, (req, res) => createContext(contextInput(req, res, production)));
  registerGbvDownloads(app, (req, res) => createContext(contextInput(req, res, production)));
  const openapi = openApiDocument(deps.version, "/api/v1");
  app.get("/api/v1/openapi.json", async () => openapi);
  await app.register(
    async (rest) => {
      await rest.register(fastifyTRPCOpenApiPlugin, {
        router: appRouter,
        createContext: ({ req, res }: { req: FastifyRequest; res: FastifyReply }) =>
          createContext(contextInput(req, res, production)),
      } as never);
    },
    { prefix: "/api/v1" },
  );

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const status = await readStatus(deps);
    const ready = status.database.ok && status.redis.ok;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? "ready" : "not ready",
      database: {
        ok: status.database.ok,
        pendingMigrations: status.database.pendingMigrations,
        detail: status.database.detail,
      },
      redis: { ok: status.redis.ok, mode: status.mode.redis },
    });
  });

  if (webDistDir && existsSync(webDistDir)) await serveSpa(app, webDistDir);
  return app;
}

/** Hashed assets are immutable for a year; index.html is always revalidated; unknown GETs fall back to it. */
async function serveSpa(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: dir,
    wildcard: false,
    index: false,
    setHeaders(res, filePath) {
      res.header("cache-control", filePath.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  const sendIndex = (reply: FastifyReply) => reply.header("cache-control", "no-cache").sendFile("index.html");
  app.get("/", (_request, reply) => sendIndex(reply));
  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(trpc|api|healthz|readyz)(\/|$)/.test(request.url);
    const isAsset = request.url.startsWith("/assets/");
    if (request.method === "GET" && !isApi && !isAsset && request.headers.accept?.includes("text/html"))
      return sendIndex(reply);
    return reply.status(404).send({ error: "Not found", requestId: request.id });
  });
}

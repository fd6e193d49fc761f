// The HTTP surface in-process against real PostgreSQL and Redis.
import { generateToken } from "@reprotech/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../support/app";
import { createWorld, sessionCookieFor } from "../support/identity";

let t: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  t = await startTestApp({ TRPC_MAX_BATCH_SIZE: "3" });
});
afterAll(async () => t?.close());

describe("health probes", () => {
  it("GET /healthz answers while the process lives", async () => {
    const res = await t.app.inject("/healthz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz is ready with the database migrated and Redis reachable", async () => {
    const res = await t.app.inject("/readyz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: "ready",
      database: { ok: true, pendingMigrations: [] },
      redis: { ok: true, mode: "redis" },
    });
  });
});

describe("tRPC and REST", () => {
  it("serves system.status over tRPC with superjson", async () => {
    const res = await t.app.inject("/trpc/system.status");
    expect(res.statusCode).toBe(200);
    const status = res.json().result.data.json;
    expect(status).toMatchObject({
      service: "reprotech",
      version: "test",
      mode: { database: "postgres", redis: "redis" },
    });
    expect(status.database.ok).toBe(true);
  });

  it("serves the same procedure as REST with an OpenAPI 3 document", async () => {
    const res = await t.app.inject("/api/v1/status");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: "reprotech", database: { ok: true } });
    const doc = (await t.app.inject("/api/v1/openapi.json")).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths["/status"].get.operationId).toBe("system-status");
  });

  it("flattens zod errors on 400s", async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { unexpected: true } }));
    const res = await t.app.inject(`/trpc/system.status?input=${input}`);
    expect(res.statusCode).toBe(400);
    const err = res.json().error.json;
    expect(err.data.code).toBe("BAD_REQUEST");
    expect(err.data.zodError).toHaveProperty("formErrors");
  });

  it("refuses batches larger than TRPC_MAX_BATCH_SIZE", async () => {
    const ok = await t.app.inject(`/trpc/system.status,system.status,system.status?batch=1&input={}`);
    expect(ok.statusCode).toBe(200);
    const tooMany = await t.app.inject(
      `/trpc/system.status,system.status,system.status,system.status?batch=1&input={}`,
    );
    expect(tooMany.statusCode).toBe(400);
  });

  it("answers unknown procedures with 404 and no SPA", async () => {
    expect((await t.app.inject("/trpc/no.such")).statusCode).toBe(404);
    expect((await t.app.inject("/api/v1/nothing")).statusCode).toBe(404);
  });
});

describe("request hygiene", () => {
  it("sets security headers and echoes a well-formed request id", async () => {
    const res = await t.app.inject({ url: "/healthz", headers: { "x-request-id": "abc-123" } });
    expect(res.headers["x-request-id"]).toBe("abc-123");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-frame-options"]).toBeDefined();
  });

  it("replaces a malformed request id instead of logging it", async () => {
    const res = await t.app.inject({ url: "/healthz", headers: { "x-request-id": "bad id\nwith newline" } });
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("internal errors", () => {
  it("answers 500 with a sanitised message, never the driver's, when the database is gone", async () => {
    const broken = await startTestApp();
    try {
      await broken.pool.end();
      // Resolving the bearer token needs the database, which now fails underneath.
      const res = await broken.app.inject({
        url: "/trpc/customers.list",
        headers: { authorization: `Bearer ${generateToken().token}` },
      });
      expect(res.statusCode).toBe(500);
      const body = res.json().error.json;
      expect(body.message).toBe("Internal server error");
      expect(JSON.stringify(body)).not.toMatch(/pool|pg|sql|stack/i);
    } finally {
      await broken.app.close();
      await broken.runtime.close(1000);
    }
  });
});

describe("overload", () => {
  it("answers 503 with Retry-After, not 500, when no database connection frees up in time", async () => {
    const busy = await startTestApp({ DATABASE_POOL_MAX: "1", DATABASE_CONNECT_TIMEOUT_MS: "200" });
    const held = await busy.pool.connect();
    try {
      const headers = { authorization: `Bearer ${generateToken().token}` };
      // A procedure (resolving the bearer token needs a connection) …
      const trpc = await busy.app.inject({ url: "/trpc/customers.list", headers });
      expect(trpc.statusCode).toBe(503);
      expect(trpc.headers["retry-after"]).toBe("5");
      expect(trpc.json().error.json.message).toBe("The database is busy: try again in a moment");
      // … the same procedure as REST (OpenAPI) …
      const openApi = await busy.app.inject({ url: "/api/v1/gbv/traits", headers });
      expect(openApi.statusCode).toBe(503);
      expect(openApi.json().message).toBe("The database is busy: try again in a moment");
      // … and a plain REST route, whose context fails the same way.
      const rest = await busy.app.inject({ url: `/api/v1/gbv/reports/${crypto.randomUUID()}`, headers });
      expect(rest.statusCode).toBe(503);
      expect(rest.headers["retry-after"]).toBe("5");
      expect(rest.json().error).toBe("The database is busy: try again in a moment");
    } finally {
      held.release();
    }
    try {
      // Once the connection is back, the same request is answered (401: the token is unknown).
      const after = await busy.app.inject({
        url: "/trpc/customers.list",
        headers: { authorization: `Bearer ${generateToken().token}` },
      });
      expect(after.statusCode).toBe(401);
    } finally {
      await busy.close();
    }
  });

  it("answers 503 when the caller is known but its procedure gets no connection in time", async () => {
    const world = await createWorld();
    const busy = await startTestApp({ DATABASE_POOL_MAX: "1", DATABASE_CONNECT_TIMEOUT_MS: "200" });
    try {
      const cookie = await sessionCookieFor(world, world.usersA.customer_user.email);
      // Answered once with the pool free: the session is then served from the cache, without a connection.
      expect((await busy.app.inject({ url: "/trpc/gbv.traits.list", headers: { cookie } })).statusCode).toBe(200);
      const held = await busy.pool.connect();
      try {
        const trpc = await busy.app.inject({ url: "/trpc/gbv.traits.list", headers: { cookie } });
        expect(trpc.statusCode).toBe(503);
        expect(trpc.headers["retry-after"]).toBe("5");
        // A route that calls its procedure itself (the PDF report) answers the same way.
        const report = await busy.app.inject({
          url: `/api/v1/gbv/reports/${crypto.randomUUID()}`,
          headers: { cookie },
        });
        expect(report.statusCode).toBe(503);
        expect(report.headers["retry-after"]).toBe("5");
        expect(report.json().error).toBe("The database is busy: try again in a moment");
      } finally {
        held.release();
      }
    } finally {
      await busy.close();
      await world.close();
    }
  });
});

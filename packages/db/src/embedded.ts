// Embedded PostgreSQL for a first run on a machine with only Node: PGlite (Postgres compiled to
// WebAssembly) keeps its files under DATA_DIR and is served over the Postgres wire protocol on a
// free loopback port, so everything above the connection string is the same code as production.
//
// PGlite has ONE session that all socket connections share (the socket server multiplexes them and
// keeps each transaction's statements together). So the owner work (migrations, first seed) runs
// first, then the shared session drops to the application role for good: from then on every
// connection is subject to row-level security exactly like the app role on a real server.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { APP_ROLE } from "./roles";

export interface EmbeddedPostgres {
  /** Connection string; the user name is ignored by PGlite, the session's role decides. */
  url: string;
  /** Switches the shared session to the application role. Call after migrating and seeding. */
  dropToAppRole(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  const dir = path.join(dataDir, "pglite");
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: maxConnections + 1 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    async dropToAppRole() {
      await db.exec(`SET ROLE ${APP_ROLE}`);
    },
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

// The application role the server and worker connect as: owns nothing, cannot bypass RLS.
import pg from "pg";
import { describe, expect, inject, it } from "vitest";

describe("database roles", () => {
  it("connects the app role, which is neither superuser nor BYPASSRLS nor owner of any table", async () => {
    const c = new pg.Client({ connectionString: inject("appUrl") });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT current_user AS name, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user`,
      );
      expect(rows[0]).toEqual({
        name: "reprotech_app",
        rolsuper: false,
        rolbypassrls: false,
        rolcreatedb: false,
        rolcreaterole: false,
      });
      const owned = await c.query(`SELECT tablename FROM pg_tables WHERE tableowner = current_user`);
      expect(owned.rows).toEqual([]);
      await expect(c.query(`CREATE TABLE app_may_not_create (id int)`)).rejects.toThrow(/permission denied/);
    } finally {
      await c.end();
    }
  });
});

// `prisma migrate diff --from-config-datasource --to-schema <prisma/schema>`, run in-process.
//
// Prisma's native schema engine cannot be downloaded on our machines, but the same engine ships
// compiled to WebAssembly as @prisma/schema-engine-wasm (what the Prisma CLI itself runs when a
// driver adapter is configured). Given a driver adapter it introspects a live database and diffs it
// against a Prisma schema with Prisma's own rules: tables, columns, native types, nullability,
// defaults, primary keys, unique constraints, indexes, foreign keys with their actions, enums and
// their values, in both directions. An empty diff is therefore the strongest statement that the
// schema and the database agree; a non-empty one comes with the SQL migration Prisma would write.
//
// What the engine does not compare, by Prisma's design, because the schema cannot express it:
// grants, roles, row-level security policies, CHECK constraints, triggers, functions, views.
//
// Version: prisma 7.10.1 bundles engine 8.1.0-1.d1b3f377…, which is not on npm; tests/package.json
// pins the nearest published build exactly (8.1.0-2.59be4fda…). Move it together with `prisma`.
// If the engine panics (a Rust bug, not a diff), the panic is printed as an uncaught error and the
// diff promise never settles, so the test ends at vitest's timeout.
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
} from "@prisma/driver-adapter-utils";
import type { SchemaContainer } from "@prisma/schema-engine-wasm";
import type * as EngineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import { migrationsDir } from "@reprotech/db";
import pg from "pg";

type Glue = typeof EngineGlue;

// Node has WebAssembly at runtime; TypeScript declares it only in the DOM lib, which we do not load.
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const { WebAssembly: Wasm } = globalThis as unknown as { WebAssembly: WasmApi };

/** prisma/schema: one .prisma file per module, found the way packages/db finds the migrations. */
export const schemaDir = (): string => path.join(path.dirname(migrationsDir()), "schema");

/** Every .prisma file below `dir` (Prisma reads a schema folder recursively), as the engine wants them. */
export async function loadSchemaFiles(dir: string = schemaDir()): Promise<SchemaContainer[]> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith(".prisma")).sort();
  return Promise.all(
    names.map(async (n) => ({ path: path.join(dir, n), content: await readFile(path.join(dir, n), "utf8") })),
  );
}

let glue: Promise<Glue> | undefined;

/**
 * Instantiates the engine's WebAssembly module once per process. The package's own entry imports
 * the .wasm file as an ES module, which not every loader (vitest's included) handles, so we wire
 * the wasm-bindgen glue by hand, the way Prisma's CLI loads it.
 */
function loadEngine(): Promise<Glue> {
  glue ??= (async () => {
    const bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await Wasm.instantiate(bytes, { "./schema_engine_bg.js": bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return glue;
}

/*
 * Workaround for @prisma/adapter-pg 7.10: the engine's introspection queries select catalog columns
 * of PostgreSQL's one-byte `"char"` type (pg_constraint.contype, confdeltype, …), which the adapter
 * rejects ("UnsupportedNativeDataType: char"), and the engine then reads them as characters (so plain
 * text panics on, e.g., a CHECK constraint). pg parses "char" values as strings already, so:
 *  1. our pg Client reports "char" result columns as text, which the adapter accepts, and remembers
 *     which columns they were (keyed by the result's rows array, which the adapter passes through);
 *  2. a wrapper around the adapter marks those columns as Character for the engine.
 * Remove once the adapter maps OID 18 itself.
 */
const CHAR_OID = 18;
const TEXT_OID = 25;
const charColumnsOf = new WeakMap<unknown[], number[]>();

function reportCharAsText<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    const res = r as Partial<pg.QueryResult> | undefined;
    const indexes: number[] = [];
    res?.fields?.forEach((field, i) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      indexes.push(i);
    });
    if (indexes.length > 0 && res?.rows) charColumnsOf.set(res.rows, indexes);
  }
  return result;
}

class CharAsTextClient extends pg.Client {
  // pg's overloads cannot be restated one by one; forward every call form and patch the result.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const query = super.query as (...a: unknown[]) => unknown;
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, res: unknown) => last(err, res && reportCharAsText(res));
      return query.apply(this, args);
    }
    const ret = query.apply(this, args);
    return ret instanceof Promise ? ret.then(reportCharAsText) : ret;
  }
}

function markCharColumns<Q extends SqlQueryable>(queryable: Q): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumnsOf.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

function withCharColumns(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const wrap = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => markCharColumns(await startTransaction(isolationLevel));
    return markCharColumns(adapter);
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: async () => wrap(await factory.connectToShadowDb()),
  };
}

/** A name, or a pattern matched against the database's table or enum names (e.g. partitions). */
export type NamePattern = string | RegExp;

export interface SchemaDiffOptions {
  /** Database to introspect (owner connection; only reads the catalog). */
  databaseUrl: string;
  /** The Prisma schema files; defaults to prisma/schema. */
  schemaFiles?: SchemaContainer[];
  /** Tables the database has on purpose that the schema does not declare. */
  externalTables?: readonly NamePattern[];
  /** Enums the database has on purpose that the schema does not declare. */
  externalEnums?: readonly NamePattern[];
}

export interface SchemaDiff {
  /** True when the database is exactly what the schema declares (modulo the external lists). */
  empty: boolean;
  /** Prisma's human-readable summary, naming tables, columns, indexes, foreign keys and enums. */
  summary: string;
  /** The SQL migration that would turn the database into the schema. */
  script: string;
}

/** Diffs the live database (from) against the Prisma schema (to): the changes the schema still wants. */
export async function diffDatabaseAgainstSchema(options: SchemaDiffOptions): Promise<SchemaDiff> {
  const files = options.schemaFiles ?? (await loadSchemaFiles());
  const { SchemaEngine } = await loadEngine();
  const pool = new pg.Pool({ connectionString: options.databaseUrl, Client: CharAsTextClient, max: 2 });
  try {
    const filters = {
      externalTables: await resolveNames(pool, options.externalTables ?? [], TABLE_NAMES),
      externalEnums: await resolveNames(pool, options.externalEnums ?? [], ENUM_NAMES),
    };
    const adapter = bindMigrationAwareSqlAdapterFactory(withCharColumns(new PrismaPg(pool)));
    const engine = await SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, () => {}, adapter);
    try {
      const run = (script: boolean) =>
        engine.diff({
          from: { tag: "schemaDatasource", files, configDir: path.dirname(schemaDir()) },
          to: { tag: "schemaDatamodel", files },
          script,
          exitCode: true, // 2 when the diff is not empty
          filters,
        });
      const summary = await run(false);
      if (summary.exitCode === 0) return { empty: true, summary: summary.stdout ?? "", script: "" };
      const script = await run(true);
      return { empty: false, summary: (summary.stdout ?? "").trim(), script: (script.stdout ?? "").trim() };
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

// Ordinary and partitioned tables, and enums, in the connection's schema (the engine reads `public`).
const TABLE_NAMES = `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')`;
const ENUM_NAMES = `SELECT t.typname AS name FROM pg_type t WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype = 'e'`;

/**
 * The engine's filters take exact, schema-qualified names (`public.audit_log`); the allow-list may say
 * just `audit_log`, or give a pattern, which is expanded against what the database holds.
 */
async function resolveNames(pool: pg.Pool, patterns: readonly NamePattern[], sql: string): Promise<string[]> {
  if (patterns.length === 0) return [];
  const { rows } = await pool.query<{ schema: string }>("SELECT current_schema() AS schema");
  const qualify = (name: string) => (name.includes(".") ? name : `${rows[0]!.schema}.${name}`);
  const names = patterns.filter((p): p is string => typeof p === "string").map(qualify);
  const regexps = patterns.filter((p): p is RegExp => p instanceof RegExp);
  if (regexps.length > 0) {
    const existing = await pool.query<{ name: string }>(sql);
    for (const { name } of existing.rows) if (regexps.some((r) => r.test(name))) names.push(qualify(name));
  }
  return [...new Set(names)];
}

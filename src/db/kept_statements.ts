/**
 * A libSQL connection as kysely's own `SqliteDialect` takes it (better-sqlite3's shape), keeping
 * the statements it prepares. kysely asks the database to `prepare` its SQL on every query;
 * compiling a statement costs several times what running a queue statement does (about 80 µs
 * against 10 µs for the intake look-up), and Loom runs the same few statements all day, so each
 * compiled statement is kept by its SQL text and run again with new parameters.
 * @module
 */

/** The part of a `libsql` statement this module uses. */
export interface NativeStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  get(parameters: readonly unknown[]): unknown;
  run(
    parameters: readonly unknown[],
  ): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/** The part of a `libsql` `Database` this module uses. */
export interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  close(): void;
}

/** Distinct SQL texts kept: the statements Loom runs are a few hundred at most (bounded all the same). */
export const DEFAULT_KEPT_STATEMENTS = 512;

/**
 * Wraps `db` so that `prepare` hands back the statement it compiled the last time it saw the same
 * SQL, keeping the `capacity` most recently used. Parameters are converted the way
 * `@libsql/client` converts them (booleans to 0/1, dates to epoch ms): the native binding
 * accepts neither, and a boolean even aborts the process in it.
 *
 * @example
 * ```ts
 * import Database from "libsql";
 * import { keepStatements } from "./kept_statements.ts";
 * import assert from "node:assert/strict";
 *
 * const db = keepStatements(new Database(":memory:"));
 * const first = db.prepare("select ? as on_, ? as at");
 * assert.equal(db.prepare("select ? as on_, ? as at"), first);
 * assert.deepEqual(first.all([true, new Date(5)]), [{ on_: 1, at: 5 }]);
 * db.close();
 * ```
 */
export function keepStatements(
  db: NativeDatabase,
  capacity = DEFAULT_KEPT_STATEMENTS,
): NativeDatabase {
  const kept = new Map<string, NativeStatement>();
  return {
    prepare(sql) {
      let statement = kept.get(sql);
      if (statement) {
        // Most recently used last: the first entry is the one to drop when full.
        kept.delete(sql);
      } else {
        statement = converting(db.prepare(sql), sql);
        if (kept.size >= capacity) kept.delete(kept.keys().next().value!);
      }
      kept.set(sql, statement);
      return statement;
    },
    close() {
      kept.clear();
      db.close();
    },
  };
}

function converting(statement: NativeStatement, sql: string): NativeStatement {
  const reader = statement.reader;
  const oneRow = reader ? atMostOneRow(sql) : "no";
  return {
    reader,
    all: (parameters) => {
      const bound = bindable(parameters);
      if (oneRow === "no" || (oneRow === "if-last-is-1" && bound[bound.length - 1] !== 1)) {
        return statement.all(bound);
      }
      // One step instead of a row cursor: the binding's cursor costs several times what a
      // one-row statement takes to run (35 µs against 5 µs). The binding adds its timing.
      const row = statement.get(bound) as Record<string, unknown> | undefined;
      if (row === undefined) return [];
      delete row._metadata;
      return [row];
    },
    get: (parameters) => statement.get(bindable(parameters)),
    run: (parameters) => statement.run(bindable(parameters)),
    iterate: (parameters) => statement.iterate(bindable(parameters)),
  };
}

/**
 * Whether the SQL itself says it answers one row at most: a query ending in `limit 1` (or in
 * `limit ?` when its last parameter is 1, as kysely's `.limit(1)` compiles), or an insert of one
 * `values` row with `returning` (SQLite makes every change of such a statement in its first step).
 */
function atMostOneRow(sql: string): "yes" | "if-last-is-1" | "no" {
  if (/\blimit\s+1\s*$/i.test(sql)) return "yes";
  if (/\blimit\s+\?\s*$/i.test(sql)) return "if-last-is-1";
  const values = sql.search(/\bvalues\b/i);
  if (
    /^\s*insert\b/i.test(sql) && values >= 0 && /\breturning\b/i.test(sql) &&
    !/\)\s*,\s*\(/.test(sql.slice(values))
  ) {
    return "yes";
  }
  return "no";
}

function bindable(parameters: readonly unknown[]): unknown[] {
  // kysely hands in its own array; only a copy with converted values is passed on when needed.
  let out: unknown[] | undefined;
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    let converted = value;
    if (typeof value === "boolean") converted = value ? 1 : 0;
    else if (value instanceof Date) converted = value.valueOf();
    if (converted !== value) (out ??= [...parameters])[i] = converted;
  }
  return out ?? (parameters as unknown[]);
}

import assert from "node:assert/strict";
import Database from "libsql";
import { keepStatements } from "./kept_statements.ts";
import { migrateToLatest, openDatabase } from "./mod.ts";

Deno.test("kept statements: the same SQL runs the statement compiled the first time, with new parameters", () => {
  const db = keepStatements(new Database(":memory:"));
  db.prepare("create table t (id integer primary key, v text)").run([]);
  const insert = db.prepare("insert into t (v) values (?) returning id");
  assert.deepEqual(insert.all(["a"]), [{ id: 1 }]);
  assert.equal(db.prepare("insert into t (v) values (?) returning id"), insert);
  assert.deepEqual(insert.all(["b"]), [{ id: 2 }]);
  assert.deepEqual(db.prepare("select v from t order by id").all([]), [{ v: "a" }, { v: "b" }]);
  db.close();
});

Deno.test("kept statements: only the most recently used are kept, the rest compiled again", () => {
  const native = new Database(":memory:");
  let compiled = 0;
  const counting = {
    prepare: (sql: string) => (compiled++, native.prepare(sql)),
    close: () => native.close(),
  };
  const db = keepStatements(counting, 2);
  db.prepare("select 1");
  db.prepare("select 2");
  db.prepare("select 1"); // now the most recent: "select 2" goes first
  db.prepare("select 3");
  assert.equal(compiled, 3);
  db.prepare("select 1");
  assert.equal(compiled, 3);
  db.prepare("select 2");
  assert.equal(compiled, 4);
  db.close();
});

Deno.test("kept statements: a statement that failed (a constraint) runs again afterwards", () => {
  const db = keepStatements(new Database(":memory:"));
  db.prepare("create table t (id integer primary key)").run([]);
  const insert = db.prepare("insert into t (id) values (?)");
  insert.run([1]);
  assert.throws(() => insert.run([1]), { code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
  assert.equal(insert.run([2]).changes, 1);
  db.close();
});

Deno.test("kept statements: booleans and dates are stored as 0/1 and epoch ms through kysely", async () => {
  const store = await openDatabase(":memory:");
  await migrateToLatest(store);
  const row = await store.db.selectNoFrom((eb) => [
    eb.val(true).as("yes"),
    eb.val(false).as("no"),
    eb.val(new Date(1234)).as("at"),
  ]).executeTakeFirstOrThrow();
  assert.deepEqual(row, { yes: 1, no: 0, at: 1234 });
  await store.close();
});

Deno.test("kept statements: one-row statements (limit 1, a one-row insert … returning) answer in one step, rows as a cursor reads them", () => {
  const native = new Database(":memory:");
  const stepped: string[] = [];
  const spying = {
    prepare: (sql: string) => {
      const statement = native.prepare(sql);
      return {
        reader: statement.reader,
        get: (p: unknown[]) => (stepped.push(sql), statement.get(p)),
        all: (p: unknown[]) => statement.all(p),
        run: (p: unknown[]) => statement.run(p),
        iterate: (p: unknown[]) => statement.iterate(p),
      };
    },
    close: () => native.close(),
  };
  const db = keepStatements(spying);
  db.prepare("create table t (id integer primary key, v text unique)").run([]);
  const one = "insert into t (v) values (?) on conflict (v) do nothing returning id, v";
  assert.deepEqual(db.prepare(one).all(["a"]), [{ id: 1, v: "a" }]);
  assert.deepEqual(db.prepare(one).all(["a"]), []);
  const two = "insert into t (v) values (?), (?) returning id";
  assert.deepEqual(db.prepare(two).all(["b", "c"]), [{ id: 2 }, { id: 3 }]);
  assert.deepEqual(db.prepare("select v from t order by id limit 1").all([]), [{ v: "a" }]);
  const limited = "select v from t order by id limit ?";
  assert.deepEqual(db.prepare(limited).all([1]), [{ v: "a" }]);
  assert.deepEqual(db.prepare(limited).all([2]), [{ v: "a" }, { v: "b" }]);
  assert.deepEqual(stepped, [one, one, "select v from t order by id limit 1", limited]);
  db.close();
});

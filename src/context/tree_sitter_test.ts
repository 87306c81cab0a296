import assert from "node:assert/strict";
import { parseDiff } from "../diff/mod.ts";
import { fileContext } from "./file_context.ts";
import { grammarFor } from "./languages.ts";
import { treeSitterScopes } from "./tree_sitter.ts";

/** The diff replacing line `line` of `source` (the new file) with itself, from `was`. */
function oneLineDiff(path: string, source: string, line: number, was = "old();") {
  const text = source.split("\n")[line - 1];
  const [file] = parseDiff(
    `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n` +
      `@@ -${line} +${line} @@\n-${was}\n+${text}\n`,
  );
  return file;
}

/** The scope lines tree-sitter finds above the change on `line`; fails if the keywords did it. */
async function scopesAbove(path: string, source: string, line: number) {
  const context = await fileContext(oneLineDiff(path, source, line), source, {
    mode: "scope",
    wholeFileChars: 0,
  });
  assert.ok(context);
  assert.equal(context.method, "tree-sitter", `${path} parsed by tree-sitter`);
  return context.scopes[0];
}

// Each case: a file, the changed line, and the lines opening its scopes above it, outermost first.
const CASES: { path: string; source: string; line: number; scopes: [number, string][] }[] = [
  {
    path: "src/store.js",
    source: "import { read } from './read.js';\n\nexport class Store {\n  load(id) {\n" +
      "    const rows = read(id);\n    return rows[0];\n  }\n}\n",
    line: 6,
    scopes: [[3, "export class Store {"], [4, "  load(id) {"]],
  },
  {
    path: "src/store.ts",
    source: "export function load(ids: string[]): number {\n  let n = 0;\n" +
      "  for (const id of ids) {\n    n += id.length;\n  }\n  return n;\n}\n",
    line: 4,
    scopes: [[1, "export function load(ids: string[]): number {"], [
      3,
      "  for (const id of ids) {",
    ]],
  },
  {
    path: "src/view.tsx",
    source: "export const View = ({ name }: { name: string }) => {\n  const upper = name;\n" +
      "  return <b>{upper}</b>;\n};\n",
    line: 3,
    scopes: [[1, "export const View = ({ name }: { name: string }) => {"]],
  },
  {
    path: "app/db.py",
    source: "import sqlite3\n\n\nclass Db:\n    def find(self, id):\n        cur = self.c\n" +
      "        return cur.execute(id)\n",
    line: 7,
    scopes: [[4, "class Db:"], [5, "    def find(self, id):"]],
  },
  {
    path: "db/find.go",
    source: "package db\n\nfunc (d *Db) Find(id string) error {\n\trow := d.q(id)\n" +
      "\treturn row.Err()\n}\n",
    line: 5,
    scopes: [[3, "func (d *Db) Find(id string) error {"]],
  },
  {
    path: "src/db.rs",
    source: "impl Db {\n    pub fn find(&self, id: &str) -> u32 {\n        let n = 1;\n" +
      "        n + 1\n    }\n}\n",
    line: 4,
    scopes: [[1, "impl Db {"], [2, "    pub fn find(&self, id: &str) -> u32 {"]],
  },
  {
    path: "src/Db.java",
    source: "public class Db {\n  public int find(String id) {\n    int n = 1;\n" +
      "    return n;\n  }\n}\n",
    line: 4,
    scopes: [[1, "public class Db {"], [2, "  public int find(String id) {"]],
  },
  {
    path: "lib/db.rb",
    source: "class Db\n  def find(id)\n    n = 1\n    n + 1\n  end\nend\n",
    line: 4,
    scopes: [[1, "class Db"], [2, "  def find(id)"]],
  },
  {
    path: "src/Db.cs",
    source: "namespace App {\n  public class Db {\n    public int Find(string id) {\n" +
      "      var n = 1;\n      return n;\n    }\n  }\n}\n",
    line: 5,
    scopes: [[1, "namespace App {"], [2, "  public class Db {"], [
      3,
      "    public int Find(string id) {",
    ]],
  },
  {
    path: "src/db.c",
    source: "#include <stdio.h>\n\nint find(const char *id) {\n  int n = 1;\n  return n;\n}\n",
    line: 5,
    scopes: [[3, "int find(const char *id) {"]],
  },
  {
    path: "src/db.cpp",
    source: "namespace app {\nclass Db {\n public:\n  int find(int id) {\n    int n = id;\n" +
      "    return n;\n  }\n};\n}\n",
    line: 6,
    scopes: [[1, "namespace app {"], [2, "class Db {"], [4, "  int find(int id) {"]],
  },
];

for (const c of CASES) {
  Deno.test(`tree-sitter finds the scopes above a hunk in ${c.path}`, async () => {
    assert.deepEqual(
      await scopesAbove(c.path, c.source, c.line),
      c.scopes.map(([line, text]) => ({ line, text })),
    );
  });
}

Deno.test("a scope that opens inside the hunk is not repeated above it", async () => {
  const source = "function load() {\n  return 1;\n}\n";
  const [file] = parseDiff(
    "diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1,2 +1,2 @@\n" +
      "-function old() {\n+function load() {\n   return 1;\n",
  );
  const context = await fileContext(file, source, { mode: "scope", wholeFileChars: 0 });
  assert.deepEqual(context?.scopes, [[]]);
});

Deno.test("a file that does not parse falls back to the keyword method", async () => {
  const source = "function load() {\n  if (x {\n    return 1;\n  }\n}\n";
  const context = await fileContext(oneLineDiff("a.js", source, 3), source, {
    mode: "scope",
    wholeFileChars: 0,
  });
  assert.equal(context?.method, "keywords");
  assert.deepEqual(context?.scopes[0].map((s) => s.line), [1, 2]);
});

Deno.test("a file above the parse cap falls back to the keyword method", async () => {
  const filler = "// filler line to pass the parse cap of five hundred and twelve KiB\n";
  const source = "function load() {\n  return 1;\n}\n" + filler.repeat(9000);
  assert.ok(source.length > 512 * 1024);
  const context = await fileContext(oneLineDiff("a.js", source, 2), source, {
    mode: "scope",
    wholeFileChars: 0,
  });
  assert.equal(context?.method, "keywords");
  assert.deepEqual(context?.scopes, [[{ line: 1, text: "function load() {" }]]);
});

Deno.test("a file that is not the one the diff was made from gets no context", async () => {
  const file = oneLineDiff("a.js", "function load() {\n  return 1;\n}\n", 2);
  const other = "function load() {\n  return 2;\n}\n";
  assert.equal(await fileContext(file, other, { mode: "scope", wholeFileChars: 0 }), null);
});

Deno.test("a grammar that cannot be loaded gives null (the keyword method), and others still load", async () => {
  const missing = { name: "Nothing", wasm: "tree-sitter-nothing.wasm", scopes: new Set(["x"]) };
  const source = "def f():\n    return 1\n";
  assert.equal(await treeSitterScopes(missing, source, [{ line: 2, top: 2 }]), null);
  assert.deepEqual(await treeSitterScopes(grammarFor("a.py")!, source, [{ line: 2, top: 2 }]), [
    [1],
  ]);
});

import assert from "node:assert/strict";
import { parseDiff, placementProblem, rangeStart } from "./mod.ts";

// New side: src/db.ts 1-6 (one hunk) and 42-44 (another); old.ts deleted; logo.png binary.
const FILES = parseDiff(`diff --git a/src/db.ts b/src/db.ts
index 1111111..2222222 100644
--- a/src/db.ts
+++ b/src/db.ts
@@ -1,4 +1,6 @@
 import { sql } from "../sql.ts";
-export function find(id) {
-  return sql(id);
+
+export function find(id: string) {
+  const q = id;
+  return sql(q);
 }
@@ -40,2 +42,3 @@ export function close() {
   pool.end();
+  log("closed");
 }
diff --git a/old.ts b/old.ts
deleted file mode 100644
index 3333333..0000000
--- a/old.ts
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
diff --git a/logo.png b/logo.png
index 1..2 100644
Binary files a/logo.png and b/logo.png differ
`);

// New side: moved.ts 1-3 (renamed from old.ts), gone.ts deleted.
const RENAMED = parseDiff(`diff --git a/old.ts b/moved.ts
similarity index 80%
rename from old.ts
rename to moved.ts
index 1111111..2222222 100644
--- a/old.ts
+++ b/moved.ts
@@ -1,3 +1,3 @@
 keep
-drop
+add
 keep
diff --git a/gone.ts b/gone.ts
deleted file mode 100644
index 3333333..0000000
--- a/gone.ts
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
`);

const at = (path: string, line: number, startLine?: number) => ({ path, line, startLine });

// Moved from adapters/gitea/_anchors_test.ts, adapters/bitbucket/_anchors_test.ts and the
// rejections of adapters/azure_devops/adapter_test.ts, each of which had its own wording.
Deno.test("placementProblem: added and context lines of the new side, a range in one hunk", () => {
  assert.equal(placementProblem(FILES, at("src/db.ts", 43)), null);
  assert.equal(placementProblem(FILES, at("src/db.ts", 1)), null, "a context line");
  assert.equal(placementProblem(FILES, at("src/db.ts", 5, 2)), null);
  assert.equal(placementProblem(FILES, at("src/db.ts", 4, 4)), null, "a range of one line");
  assert.equal(placementProblem(RENAMED, at("moved.ts", 2)), null);
  assert.equal(placementProblem(RENAMED, at("moved.ts", 3, 1)), null);
  assert.equal(placementProblem(RENAMED, at("moved.ts", 3, 3)), null, "a range of one line");
});

Deno.test("placementProblem: what cannot be placed, with one wording for each reason", () => {
  const reasons = [
    at("src/db.ts", 20),
    at("README.md", 1),
    at("old.ts", 1),
    at("logo.png", 1),
    at("src/db.ts", 43, 5),
    at("src/db.ts", 4, 6),
    at("src/db.ts", 4.5),
  ].map((c) => placementProblem(FILES, c));
  assert.deepEqual(reasons, [
    "line 20 of src/db.ts is not part of the diff",
    "README.md is not a file of the diff",
    "old.ts is not a file of the diff",
    "logo.png is a binary file",
    "lines 5-43 of src/db.ts are not in one hunk of the diff",
    "the range 6-4 of src/db.ts starts after it ends",
    "line 4.5 of src/db.ts is not part of the diff",
  ]);
  const renamed = (c: ReturnType<typeof at>) => placementProblem(RENAMED, c);
  assert.equal(renamed(at("old.ts", 2)), "old.ts is not a file of the diff", "a rename's old name");
  assert.equal(renamed(at("gone.ts", 1)), "gone.ts is not a file of the diff", "a deleted file");
  assert.equal(renamed(at("moved.ts", 4)), "line 4 of moved.ts is not part of the diff");
  assert.equal(renamed(at("moved.ts", 1.5)), "line 1.5 of moved.ts is not part of the diff");
  assert.equal(renamed(at("moved.ts", 1, 3)), "the range 3-1 of moved.ts starts after it ends");
});

Deno.test("rangeStart: a start equal to the line is a single line", () => {
  assert.deepEqual(
    [at("a", 7, 5), at("a", 7, 7), at("a", 7), at("a", 5, 7)].map(rangeStart),
    [5, undefined, undefined, 7],
  );
});

import assert from "node:assert/strict";
import { parseDiff, placementProblem, rangeStart } from "./mod.ts";

// New side: src/db.ts 1-6 (one hunk) and 42-44 (another); moved.ts 1-3, renamed from old.ts;
// gone.ts deleted; logo.png binary.
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
diff --git a/old.ts b/moved.ts
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
diff --git a/logo.png b/logo.png
index 1..2 100644
Binary files a/logo.png and b/logo.png differ
`);

const at = (path: string, line: number, startLine?: number) => ({ path, line, startLine });

// The cases of adapters/gitea/_anchors_test.ts, adapters/bitbucket/_anchors_test.ts (moved here)
// and the rejections of adapters/azure_devops/adapter_test.ts, each of which had its own wording.
Deno.test("placementProblem: added and context lines of the new side, a range in one hunk", () => {
  const placed: [ReturnType<typeof at>, string][] = [
    [at("src/db.ts", 43), "an added line"],
    [at("src/db.ts", 1), "a context line"],
    [at("src/db.ts", 5, 2), "a range"],
    [at("src/db.ts", 4, 4), "a range of one line"],
    [at("moved.ts", 2), "a renamed file"],
    [at("moved.ts", 3, 1), "a range in a renamed file"],
    [at("moved.ts", 3, 3), "a range of one line in a renamed file"],
  ];
  for (const [c, what] of placed) assert.equal(placementProblem(FILES, c), null, what);
});

Deno.test("placementProblem: what cannot be placed, with one wording for each reason", () => {
  const refused: [ReturnType<typeof at>, string][] = [
    [at("src/db.ts", 20), "line 20 of src/db.ts is not part of the diff"],
    [at("README.md", 1), "README.md is not a file of the diff"],
    [at("old.ts", 1), "old.ts is not a file of the diff"],
    [at("logo.png", 1), "logo.png is a binary file"],
    [at("src/db.ts", 43, 5), "lines 5-43 of src/db.ts are not in one hunk of the diff"],
    [at("src/db.ts", 4, 6), "the range 6-4 of src/db.ts starts after it ends"],
    [at("src/db.ts", 4.5), "line 4.5 of src/db.ts is not part of the diff"],
    // The old name of a rename, and a deleted file.
    [at("old.ts", 2), "old.ts is not a file of the diff"],
    [at("gone.ts", 1), "gone.ts is not a file of the diff"],
    [at("moved.ts", 4), "line 4 of moved.ts is not part of the diff"],
    [at("moved.ts", 1.5), "line 1.5 of moved.ts is not part of the diff"],
    [at("moved.ts", 1, 3), "the range 3-1 of moved.ts starts after it ends"],
  ];
  for (const [c, reason] of refused) assert.equal(placementProblem(FILES, c), reason);
});

Deno.test("rangeStart: a start equal to the line is a single line", () => {
  assert.deepEqual(
    [at("a", 7, 5), at("a", 7, 7), at("a", 7), at("a", 5, 7)].map(rangeStart),
    [5, undefined, undefined, 7],
  );
});

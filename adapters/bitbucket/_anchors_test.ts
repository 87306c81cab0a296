import assert from "node:assert/strict";
import { parseDiff } from "../../src/diff/mod.ts";
import { anchorProblem } from "./_anchors.ts";

// New side: moved.ts 1-3 (renamed from old.ts), gone.ts deleted.
const DIFF = `diff --git a/old.ts b/moved.ts
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
`;

const files = parseDiff(DIFF);
const at = (path: string, line: number, startLine?: number) =>
  anchorProblem(files, { path, line, startLine, body: "b", fingerprint: "f" });

Deno.test("anchors go on the new side of files that still exist", () => {
  assert.equal(at("moved.ts", 2), null);
  assert.equal(at("moved.ts", 3, 1), null);
  assert.equal(at("moved.ts", 3, 3), null, "a range of one line is a line");
  assert.equal(at("old.ts", 2), "old.ts is not a file of the diff", "the old name of a rename");
  assert.equal(at("gone.ts", 1), "gone.ts is not a file of the diff", "a deleted file");
  assert.equal(at("moved.ts", 4), "line 4 of moved.ts is not part of the diff");
  assert.equal(at("moved.ts", 1.5), "line 1.5 of moved.ts is not part of the diff");
  assert.equal(at("moved.ts", 1, 3), "the range 3-1 of moved.ts starts after it ends");
});

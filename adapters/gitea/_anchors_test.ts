import assert from "node:assert/strict";
import { parseDiff } from "../../src/diff/mod.ts";
import { comment, SAMPLE_DIFF } from "../../tests/support/adapter_test_kit.ts";
import { giteaAnchor, type GiteaReviewAnchor } from "./_anchors.ts";

// New side: src/db.ts 1-6 (one hunk) and 42-44 (another), README.md 1-2; old.ts deleted;
// logo.png binary.
const FILES = parseDiff(`${SAMPLE_DIFF}diff --git a/old.ts b/old.ts
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

const at = (path: string, line: number, startLine?: number) =>
  comment(path, line, "fp", { startLine });

Deno.test("a single line is anchored by its new-file line, never on the old side; a range on its first", () => {
  const cases: [ReturnType<typeof at>, boolean, GiteaReviewAnchor][] = [
    [at("src/db.ts", 43), false, { path: "src/db.ts", new_position: 43, old_position: 0 }],
    // A range of one line is a single line.
    [at("src/db.ts", 4, 4), true, { path: "src/db.ts", new_position: 4, old_position: 0 }],
    // Forgejo covers a range with extra_lines_count; Gitea takes its first line.
    [at("src/db.ts", 5, 2), true, {
      path: "src/db.ts",
      new_position: 2,
      old_position: 0,
      extra_lines_count: 3,
    }],
    [at("src/db.ts", 5, 2), false, { path: "src/db.ts", new_position: 2, old_position: 0 }],
  ];
  for (const [c, ranges, anchor] of cases) assert.deepEqual(giteaAnchor(FILES, c, ranges), anchor);
});

Deno.test("what Gitea could not place is refused with a reason, before any call", () => {
  const reasons = [
    at("src/db.ts", 20),
    at("docs/none.md", 1),
    at("old.ts", 1),
    at("logo.png", 1),
    at("src/db.ts", 43, 5),
    at("src/db.ts", 4, 6),
    at("src/db.ts", 4.5),
  ].map((c) => {
    const a = giteaAnchor(FILES, c, true);
    return "reason" in a ? a.reason : "placed";
  });
  assert.deepEqual(reasons, [
    "line 20 of src/db.ts is not part of the diff",
    "docs/none.md is not a file of the diff",
    "old.ts is not a file of the diff",
    "logo.png is a binary file",
    "lines 5-43 of src/db.ts are not in one hunk of the diff",
    "the range 6-4 of src/db.ts starts after it ends",
    "line 4.5 of src/db.ts is not part of the diff",
  ]);
});

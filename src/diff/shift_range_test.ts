import assert from "node:assert/strict";
import { parseDiff } from "./parse.ts";
import { shiftRange } from "./shift_range.ts";

const diff = (body: string, header = "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n") =>
  parseDiff(header + body);
const at = (start: number, end = start) => ({ path: "a.ts", start, end });

Deno.test("shiftRange: lines deleted above move the range up; a file not in the diff stays", () => {
  const files = diff("@@ -2,3 +2,1 @@\n keep\n-gone1\n-gone2\n");
  assert.deepEqual(shiftRange(files, at(8, 9)), { touched: false, range: at(6, 7) });
  assert.deepEqual(shiftRange(files, { path: "b.ts", start: 1, end: 1 }), {
    touched: false,
    range: { path: "b.ts", start: 1, end: 1 },
  });
});

Deno.test("shiftRange: a changed, deleted or split range is touched; its neighbours are not", () => {
  const changed = diff("@@ -5 +5 @@\n-old\n+new\n");
  assert.deepEqual(shiftRange(changed, at(5)), { touched: true });
  assert.deepEqual(shiftRange(changed, at(3, 7)), { touched: true });
  assert.deepEqual(shiftRange(changed, at(4)), { touched: false, range: at(4) });
  assert.deepEqual(shiftRange(changed, at(6)), { touched: false, range: at(6) });
  // An insertion between lines 5 and 6 splits a 5-6 range, but only moves a range starting at 6.
  const inserted = diff("@@ -5,0 +6,2 @@\n+a\n+b\n");
  assert.deepEqual(shiftRange(inserted, at(5, 6)), { touched: true });
  assert.deepEqual(shiftRange(inserted, at(5)), { touched: false, range: at(5) });
  assert.deepEqual(shiftRange(inserted, at(6, 7)), { touched: false, range: at(8, 9) });
});

Deno.test("shiftRange: a renamed file carries the range to its new name; a deleted one touches it", () => {
  const renamed = parseDiff(
    "diff --git a/a.ts b/b.ts\nsimilarity index 90%\nrename from a.ts\nrename to b.ts\n" +
      "--- a/a.ts\n+++ b/b.ts\n@@ -1 +1,2 @@\n+top\n first\n",
  );
  assert.deepEqual(shiftRange(renamed, at(3)), {
    touched: false,
    range: { path: "b.ts", start: 4, end: 4 },
  });
  const deleted = parseDiff(
    "diff --git a/a.ts b/a.ts\ndeleted file mode 100644\n--- a/a.ts\n+++ /dev/null\n" +
      "@@ -1 +0,0 @@\n-x\n",
  );
  assert.deepEqual(shiftRange(deleted, at(1)), { touched: true });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseDiff } from "../../src/diff/mod.ts";
import { SAMPLE_DIFF } from "../../tests/support/adapter_test_kit.ts";
import { gitlabPosition } from "./_position.ts";

const REFS = { base_sha: "b".repeat(40), start_sha: "s".repeat(40), head_sha: "h".repeat(40) };
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
/** What every position on src/db.ts carries. */
const ON_DB = { position_type: "text", ...REFS, old_path: "src/db.ts", new_path: "src/db.ts" };

// src/db.ts: line 1 context (old 1), two lines removed, 2-5 added, 6 context (old 4), and a
// later hunk (new 42-44); lib/old.ts renamed to lib/new.ts with line 11 changed; README.md added.
const DIFF = parseDiff(`${SAMPLE_DIFF}diff --git a/lib/old.ts b/lib/new.ts
similarity index 90%
rename from lib/old.ts
rename to lib/new.ts
--- a/lib/old.ts
+++ b/lib/new.ts
@@ -10,3 +10,3 @@ function f() {
 a
-b
+B
 c
`);

Deno.test("an added line has new_line only; a context line both numbers; both paths always", () => {
  assert.deepEqual(gitlabPosition(DIFF, REFS, { path: "src/db.ts", line: 3 }), {
    ...ON_DB,
    new_line: 3,
  });
  assert.deepEqual(gitlabPosition(DIFF, REFS, { path: "src/db.ts", line: 6 }), {
    ...ON_DB,
    new_line: 6,
    old_line: 4,
  });
  const renamed = gitlabPosition(DIFF, REFS, { path: "lib/new.ts", line: 12 });
  assert.deepEqual([renamed.old_path, renamed.new_path, renamed.old_line, renamed.new_line], [
    "lib/old.ts",
    "lib/new.ts",
    12,
    12,
  ]);
  const added = gitlabPosition(DIFF, REFS, { path: "README.md", line: 1 });
  assert.deepEqual([added.old_path, added.new_path, added.old_line, added.new_line], [
    "README.md",
    "README.md",
    undefined,
    1,
  ]);
});

Deno.test("a range is anchored on its last line, with GitLab's line codes at both ends", () => {
  const code = sha1("src/db.ts");
  // GitLab numbers an added line with the old position of the next old line: after the two
  // removed lines (old 2 and 3), that is 4.
  assert.deepEqual(gitlabPosition(DIFF, REFS, { path: "src/db.ts", line: 6, startLine: 4 }), {
    ...ON_DB,
    new_line: 6,
    old_line: 4,
    line_range: {
      start: { line_code: `${code}_4_4`, type: "new", new_line: 4 },
      end: { line_code: `${code}_4_6`, type: "old", old_line: 4, new_line: 6 },
    },
  });
  const readme = gitlabPosition(DIFF, REFS, { path: "README.md", line: 2, startLine: 1 });
  assert.deepEqual(readme.line_range, {
    start: { line_code: `${sha1("README.md")}_0_1`, type: "new", new_line: 1 },
    end: { line_code: `${sha1("README.md")}_0_2`, type: "new", new_line: 2 },
  });
  const moved = gitlabPosition(DIFF, REFS, { path: "lib/new.ts", line: 12, startLine: 10 });
  assert.deepEqual(moved.line_range?.start, {
    line_code: `${sha1("lib/new.ts")}_10_10`,
    type: "old",
    old_line: 10,
    new_line: 10,
  });
});

Deno.test("lines outside the diff are sent as they are, for GitLab to refuse", () => {
  assert.deepEqual(gitlabPosition(DIFF, REFS, { path: "src/db.ts", line: 40 }), {
    ...ON_DB,
    new_line: 40,
  });
  assert.equal(gitlabPosition(DIFF, REFS, { path: "nope.ts", line: 1 }).old_path, "nope.ts");
  const startOutside = gitlabPosition(DIFF, REFS, { path: "src/db.ts", line: 3, startLine: 0 });
  assert.equal(startOutside.line_range, undefined, "a range whose start is not in the diff");
  const single = gitlabPosition(DIFF, REFS, { path: "src/db.ts", line: 3, startLine: 3 });
  assert.equal(single.line_range, undefined, "a range of one line is a single-line comment");
});

import assert from "node:assert/strict";
import { parseDiff } from "../diff/mod.ts";
import { QUOTE_DISTANCE, quotedLine } from "./_quoted_line.ts";

function hunksOf(hunks: string) {
  return parseDiff(`diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n${hunks}`)[0].hunks;
}

// New lines 1-5: 1 and 5 unchanged `x = 1;`, 2 and 4 added `x = 1;`, 3 added.
const TIES = hunksOf("@@ -1,2 +1,5 @@\n x = 1;\n+x = 1;\n+middle();\n+x = 1;\n x = 1;\n");

Deno.test("quotedLine: equal matches resolve to the nearest, then an added line, then the one above", () => {
  assert.equal(quotedLine(TIES, 3, "x = 1;"), 2, "2 and 4 are both added and one away: above");
  assert.equal(quotedLine(TIES, 1, "x = 1;"), 1, "the named line itself when it holds the quote");
  // From 6 (past the hunk), unchanged 5 is nearer than added 4: distance comes first.
  assert.equal(quotedLine(TIES, 6, "x = 1;"), 5);
});

Deno.test("quotedLine: between an unchanged and an added line at one distance, the added wins", () => {
  const hunks = hunksOf("@@ -1,3 +1,3 @@\n f();\n-old();\n+g();\n f();\n");
  // Lines 1 and 3 hold `f();`, both unchanged and one away from 2: the upper one.
  assert.equal(quotedLine(hunks, 2, "f();"), 1);
  const mixed = hunksOf("@@ -1,2 +1,3 @@\n f();\n+g();\n+f();\n");
  assert.equal(quotedLine(mixed, 2, "f();"), 3, "added line 3 over unchanged line 1");
});

Deno.test("quotedLine: a whole-line match wins over a nearer line that only contains the quote", () => {
  const hunks = hunksOf(
    "@@ -1,0 +1,3 @@\n+const total = price * count; // cached\n+other();\n+const total = price * count;\n",
  );
  assert.equal(quotedLine(hunks, 1, "const total = price * count;"), 3);
  // Only a fragment: found inside the nearest line holding it.
  assert.equal(quotedLine(hunks, 2, "price * count; // cached"), 1);
  // Short fragments say nothing: `count;` is in two lines and in countless others.
  assert.equal(quotedLine(hunks, 2, "count;"), undefined);
});

Deno.test("quotedLine: whitespace, a multi-line quote, the prompt's prefixes and blanks", () => {
  const hunks = hunksOf("@@ -1,2 +1,3 @@\n if (a) {\n+    call(a,  b);\n }\n");
  assert.equal(quotedLine(hunks, 9, "call(a, b);"), 2);
  assert.equal(quotedLine(hunks, 9, "\n  call(a, b);\n}\n"), 2, "the first non-blank line");
  assert.equal(quotedLine(hunks, 9, "2 +     call(a,  b);"), 2, "the prompt's number and marker");
  assert.equal(quotedLine(hunks, 9, "+    call(a, b);"), 2, "a unified diff's marker");
  assert.equal(quotedLine(hunks, 1, "  \n \t"), undefined);
});

Deno.test("quotedLine: the own hunk first, then hunks within QUOTE_DISTANCE, never further", () => {
  const far = 10 + QUOTE_DISTANCE + 1;
  const hunks = hunksOf(
    `@@ -1,2 +1,2 @@\n-a\n+done();\n b\n` +
      `@@ -30,2 +30,2 @@\n-c\n+done();\n d\n` +
      `@@ -${far},1 +${far},1 @@\n-e\n+unique();\n`,
  );
  // From line 2 (the first hunk) its own copy at 1 wins even though 30 is a later hunk.
  assert.equal(quotedLine(hunks, 2, "done();"), 1);
  // From line 25 (in no hunk) the nearer copy is 30.
  assert.equal(quotedLine(hunks, 25, "done();"), 30);
  // `unique();` is QUOTE_DISTANCE + 1 lines from line 10: too far to be the line meant.
  assert.equal(quotedLine(hunks, 10, "unique();"), undefined);
  assert.equal(quotedLine(hunks, 11, "unique();"), far);
});

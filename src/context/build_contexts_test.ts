import assert from "node:assert/strict";
import { parseDiff } from "../diff/mod.ts";
import { buildContexts, MAX_CONTEXT_FILE_BYTES, MAX_CONTEXT_FILES } from "./build_contexts.ts";

function diffOf(paths: string[]): string {
  return paths.map((p) =>
    `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n@@ -2 +2 @@\n-    pass\n+    return 1\n`
  ).join("");
}
const SOURCE = "def f():\n    return 1\n";

Deno.test("a file that cannot be read is reviewed without context, and the others still get theirs", async () => {
  const files = parseDiff(diffOf(["a.py", "b.py", "c.py"]));
  const failed: string[] = [];
  const contexts = await buildContexts({
    files,
    mode: "scope",
    fileTokens: 2000,
    read: (path) =>
      path === "b.py"
        ? Promise.reject(new Error("502 from the platform"))
        : Promise.resolve(SOURCE),
    onError: (path) => failed.push(path),
  });
  assert.deepEqual(contexts.map((c) => c.path), ["a.py", "c.py"]);
  assert.deepEqual(failed, ["b.py"]);
});

Deno.test("context reads are bounded: at most MAX_CONTEXT_FILES files, none over the size cap, none for hunks", async () => {
  const paths = Array.from({ length: MAX_CONTEXT_FILES + 20 }, (_, i) => `m${i}.py`);
  const files = parseDiff(diffOf(paths));
  const read: string[] = [];
  const contexts = await buildContexts({
    files,
    mode: "scope",
    fileTokens: 2000,
    read: (path) => {
      read.push(path);
      // The first file is huge: read (the platform caps it) but not parsed nor kept.
      return Promise.resolve(
        path === "m0.py" ? SOURCE + "#".repeat(MAX_CONTEXT_FILE_BYTES) : SOURCE,
      );
    },
  });
  assert.equal(read.length, MAX_CONTEXT_FILES);
  assert.equal(contexts.length, MAX_CONTEXT_FILES - 1);
  assert.ok(!contexts.some((c) => c.path === "m0.py"));
  const none = await buildContexts({
    files,
    mode: "hunks",
    fileTokens: 2000,
    read: () => Promise.reject(new Error("never read")),
  });
  assert.deepEqual(none, []);
});

Deno.test("a deleted file is not read for context", async () => {
  const files = parseDiff(
    "diff --git a/old.py b/old.py\ndeleted file mode 100644\n--- a/old.py\n+++ /dev/null\n" +
      "@@ -1 +0,0 @@\n-x = 1\n",
  );
  const contexts = await buildContexts({
    files,
    mode: "file",
    fileTokens: 2000,
    read: () => Promise.reject(new Error("never read")),
    onError: () => assert.fail("a deleted file was read"),
  });
  assert.deepEqual(contexts, []);
});

import assert from "node:assert/strict";
import { createCommitGraph } from "./commit_graph.ts";

Deno.test("a merge commit: both parents are ancestors, and the merge base is the fork point", () => {
  const graph = createCommitGraph();
  const root = graph.add({ files: { "a.ts": "1\n" } });
  const left = graph.commit(root, { "a.ts": "2\n" });
  const right = graph.commit(root, { "b.ts": "x\n" });
  const merge = graph.add({ parents: [left, right], files: { "a.ts": "2\n", "b.ts": "x\n" } });
  assert.equal(graph.isAncestor(right, merge), true);
  assert.equal(graph.isAncestor(merge, right), false);
  assert.equal(graph.mergeBase(left, right), root);
  assert.equal(graph.mergeBase(right, merge), right);
  assert.deepEqual(graph.between(left, merge).map((c) => c.sha), [merge, right]);
});

Deno.test("unrelated histories have no merge base; an unknown parent is refused", () => {
  const graph = createCommitGraph();
  const a = graph.add({ files: {} });
  const b = graph.add({ files: {} });
  assert.equal(graph.mergeBase(a, b), null);
  assert.throws(() => graph.add({ parents: ["f".repeat(40)] }), /no commit/);
});

Deno.test("the diff writes added, deleted and unterminated files as git does", () => {
  const graph = createCommitGraph();
  const base = graph.add({ files: { "gone.ts": "x\n", "edit.ts": "a\nb" } });
  const head = graph.commit(base, { "gone.ts": null, "edit.ts": "a\nc", "new.ts": "n\n" });
  assert.equal(
    graph.diff(base, head),
    [
      "diff --git a/edit.ts b/edit.ts\n--- a/edit.ts\n+++ b/edit.ts\n@@ -1,2 +1,2 @@\n a\n-b\n",
      "\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
      "diff --git a/gone.ts b/gone.ts\ndeleted file mode 100644\n--- a/gone.ts\n+++ /dev/null\n",
      "@@ -1 +0,0 @@\n-x\n",
      "diff --git a/new.ts b/new.ts\nnew file mode 100644\n--- /dev/null\n+++ b/new.ts\n",
      "@@ -0,0 +1 @@\n+n\n",
    ].join(""),
  );
});

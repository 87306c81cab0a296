import assert from "node:assert/strict";
import { parseDiff, renderHunk } from "../../src/diff/mod.ts";
import { makeRepo } from "../../tests/git_repo.ts";
import { diffFromGitlabDiffs, type GitlabDiffEntry } from "./_diff.ts";

const entry = (e: Partial<GitlabDiffEntry> & { new_path: string }): GitlabDiffEntry => ({
  old_path: e.new_path,
  a_mode: "100644",
  b_mode: "100644",
  new_file: false,
  renamed_file: false,
  deleted_file: false,
  diff: "",
  ...e,
});

/** What a reviewer of the diff sees: files, their kind, paths, modes and lines. */
const reviewable = (text: string) =>
  parseDiff(text).map((f) => ({
    path: f.path,
    oldPath: f.oldPath,
    newPath: f.newPath,
    status: f.status,
    binary: f.binary,
    oldMode: f.oldMode,
    newMode: f.newMode,
    hunks: f.hunks,
  }));

Deno.test("GitLab's per-file diffs rebuild the diff git printed, file for file and line for line", async () => {
  await using repo = await makeRepo();
  await repo.write("src/app.ts", "one\ntwo\nthree\nfour\nfive\n");
  await repo.write("old name.ts", "x\ny\n");
  await repo.write("gone.txt", "bye\n");
  await repo.write("run.sh", "echo hi\n");
  await repo.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  const base = await repo.commit("base");
  await repo.write("src/app.ts", "one\nTWO\nthree\nfour\nfive\nsix");
  await repo.move("old name.ts", "new dir/new name.ts");
  await repo.remove("gone.txt");
  await repo.write("docs/café.md", "# Café\n");
  await repo.git("update-index", "--chmod=+x", "run.sh");
  await repo.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9]));
  await repo.git("add", "-A");
  await repo.git("update-index", "--chmod=+x", "run.sh");
  await repo.git("commit", "-q", "-m", "change");
  const gitDiff = await repo.git("diff", "-M", base, "HEAD");

  // What GitLab's /diffs answers for it: hunks only, with paths, flags and modes beside.
  const entries: GitlabDiffEntry[] = parseDiff(gitDiff).map((f) => ({
    old_path: f.oldPath ?? f.path,
    new_path: f.newPath ?? f.path,
    a_mode: f.status === "added" ? "0" : f.oldMode ?? "100644",
    b_mode: f.status === "deleted" ? "0" : f.newMode ?? f.oldMode ?? "100644",
    new_file: f.status === "added",
    renamed_file: f.status === "renamed",
    deleted_file: f.status === "deleted",
    diff: f.hunks.map(renderHunk).join(""),
  }));
  const rebuilt = diffFromGitlabDiffs(entries);
  assert.deepEqual(reviewable(rebuilt), reviewable(gitDiff));
  assert.deepEqual(parseDiff(rebuilt).map((f) => [f.path, f.status, f.binary]), [
    ["docs/café.md", "added", false],
    ["gone.txt", "deleted", false],
    ["logo.png", "modified", true],
    ["new dir/new name.ts", "renamed", false],
    ["run.sh", "modified", false],
    ["src/app.ts", "modified", false],
  ]);
  assert.equal(
    parseDiff(rebuilt).find((f) => f.path === "src/app.ts")?.hunks.at(-1)?.lines.at(-1)
      ?.noNewline,
    true,
  );
});

Deno.test("the ---/+++ lines unidiff=true adds are not doubled", () => {
  const hunk = "@@ -1 +1 @@\n-a\n+b\n";
  const plain = diffFromGitlabDiffs([entry({ new_path: "a.ts", diff: hunk })]);
  const unidiff = diffFromGitlabDiffs([
    entry({ new_path: "a.ts", diff: `--- a/a.ts\n+++ b/a.ts\n${hunk}` }),
  ]);
  assert.equal(unidiff, plain);
  assert.equal(plain, "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-a\n+b\n");
});

Deno.test("files GitLab sends without lines: too large, a pure rename, a mode change", () => {
  const text = diffFromGitlabDiffs([
    entry({ new_path: "big.sql", too_large: true, collapsed: true }),
    entry({ old_path: "a.ts", new_path: "b.ts", renamed_file: true }),
    entry({ new_path: "run.sh", b_mode: "100755" }),
    entry({ new_path: "new.ts", new_file: true, a_mode: "0", diff: "@@ -0,0 +1 @@\n+x" }),
  ]);
  const files = parseDiff(text);
  assert.deepEqual(files.map((f) => [f.path, f.status, f.binary, f.hunks.length]), [
    ["big.sql", "modified", true, 0],
    ["b.ts", "renamed", false, 0],
    ["run.sh", "modified", false, 0],
    ["new.ts", "added", false, 1],
  ]);
  assert.deepEqual([files[2].oldMode, files[2].newMode], ["100644", "100755"]);
  assert.ok(text.endsWith("+++ b/new.ts\n@@ -0,0 +1 @@\n+x\n"), "a final newline is added");
});
